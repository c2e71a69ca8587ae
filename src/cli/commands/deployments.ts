// The operator's client commands on RAN deployments: create, get, list, update, scale, delete, watch.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { InvalidArgumentError, Option, type Command } from "commander";
import { parse } from "yaml";
import type { DeploymentView, RanaasClient } from "../../api-client/api-client.ts";
import {
  DELETE_SETTLED_STATES,
  STATE,
  TERMINAL_STATES,
  UPDATE_SETTLED_STATES,
} from "../../domain/deployment-states.ts";
import { isUuid } from "../../domain/ids.ts";
import { followDeployment, parseDuration } from "../support/follow.ts";
import {
  describeConnection,
  describeDeployment,
  deploymentTable,
  formatData,
  outputOption,
  type OutputFormat,
} from "../support/output.ts";
import { Progress } from "../support/progress.ts";
import { CommandFailure, EXIT, withClient } from "../support/session.ts";
import { resizeCells, specFromFlags, type CreateFlags } from "../support/spec-from-flags.ts";

/** A deployment given by its id, or by its name (the one of that name this key may see that is not deleted). */
async function deploymentId(client: RanaasClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const named = (await client.listDeployments()).filter((v) => v.name === ref && v.state !== STATE.deleted);
  const [only, ...more] = named;
  if (only !== undefined && more.length === 0) return only.id;
  if (only === undefined) throw new CommandFailure(`no deployment named ${ref}`, EXIT.notFound);
  throw new CommandFailure(
    `${named.length} deployments are named ${ref} (an admin key sees every tenant's); give its id`,
    EXIT.invalid,
  );
}

interface OutputOptions {
  output: OutputFormat;
}

const timeoutOption = () =>
  new Option("--timeout <duration>", "how long --wait waits, e.g. 90s, 10m")
    .default(600_000, "10m")
    .argParser(duration);

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("must be a whole number");
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

async function readSpecFile(path: string): Promise<Record<string, unknown>> {
  const content = path === "-" ? await text(process.stdin) : await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = parse(content);
  } catch (err) {
    throw new CommandFailure(`${path} is not JSON or YAML: ${(err as Error).message}`, EXIT.invalid);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new CommandFailure(`${path} does not hold a deployment request (an object)`, EXIT.invalid);
  return parsed as Record<string, unknown>;
}

function print(view: DeploymentView, format: OutputFormat): void {
  console.log(format === "table" ? describeDeployment(view) : formatData(view, format));
}

/** Waits for the deployment to settle with progress on stderr; fails with exit 6 if it ends failed. */
async function waitSettled(
  client: RanaasClient,
  view: DeploymentView,
  timeoutMs: number,
  until: readonly string[] = TERMINAL_STATES,
): Promise<DeploymentView> {
  const progress = new Progress(process.stderr);
  try {
    progress.update(view);
    return await followDeployment(client, view.id, until, timeoutMs, (v) => progress.update(v));
  } finally {
    progress.stop();
  }
}

function finish(view: DeploymentView, format: OutputFormat): void {
  print(view, format);
  if (view.state === STATE.failed)
    throw new CommandFailure(`${view.name} failed: ${view.reason ?? "no reason given"}`, EXIT.failed);
  if (view.state === STATE.degraded && view.reasonCode === "update-failed")
    throw new CommandFailure(
      `${view.name}: ${view.reason ?? "the update failed"}; RANaaS tries again${view.retryAt === undefined ? "" : ` at ${view.retryAt}`}`,
      EXIT.failed,
    );
}

export function registerDeploymentCommands(program: Command): void {
  program
    .command("create")
    .description("request a RAN deployment, from a spec file, flags, or both (flags win)")
    .option("-f, --file <path>", "a request as JSON or YAML ('-' for stdin)")
    .option("--name <name>", "deployment name (default: ran-<random>)")
    .option("--cells <n>", "number of cells (one RU each)", integer)
    .option("--band <n>", "NR band of every cell, e.g. 78", integer)
    .option("--bandwidth <MHz>", "channel bandwidth of every cell", integer)
    .option("--scs <kHz>", "subcarrier spacing of every cell", integer)
    .option("--plmn <mccmnc>", 'PLMN, e.g. "00101"')
    .option("--tac <n>", "tracking area code", integer)
    .option(
      "--amf <address[:port][@plmn,…]>",
      "the AMF; repeat only for RAN sharing, one AMF per PLMN, naming its PLMNs after @",
      collect,
    )
    .option("--additional-plmn <mccmnc>", "a further PLMN the cells broadcast (RAN sharing; repeat)", collect)
    .option("--slice <sst[:sd]>", "an S-NSSAI (repeat; default 1)", collect)
    .option("--site <site>", "site (zone) to place the cells at")
    .option("--gnb-id <n>", "gNB ID (default: allocated)", integer)
    .option("--n3-service-type <type>", "ClusterIP, NodePort or LoadBalancer")
    .option("--callback-url <url>", "receives a CloudEvent on every state change")
    .option("--wait", "wait until ready (or failed), showing progress, and print the connection details")
    .addOption(timeoutOption())
    .addOption(outputOption())
    .action((options: CreateFlags & OutputOptions & { file?: string; wait?: boolean; timeout: number }) =>
      withClient("create", async (client) => {
        const base = options.file === undefined ? undefined : await readSpecFile(options.file);
        const spec = specFromFlags(base, options, randomBytes(3).toString("hex"));
        const view = await client.createDeployment(spec);
        if (options.wait !== true) return finish(view, options.output);
        console.error(`${view.name} (${view.id}) accepted`);
        await waitSettled(client, view, options.timeout);
        finish(await client.getDeployment(view.id), options.output);
      }),
    );

  program
    .command("get")
    .argument("<deployment>", "the deployment's name or id")
    .description("a deployment with its plan, live component status and connection details")
    .addOption(outputOption())
    .action((id: string, options: OutputOptions) =>
      withClient("get", async (client) =>
        print(await client.getDeployment(await deploymentId(client, id)), options.output),
      ),
    );

  program
    .command("list")
    .alias("ls")
    .description("the deployments this key may see")
    .option("--state <state>", "only deployments in this state")
    .addOption(outputOption())
    .action((options: OutputOptions & { state?: string }) =>
      withClient("list", async (client) => {
        const views = await client.listDeployments(options.state);
        if (options.output !== "table") console.log(formatData(views, options.output));
        else if (views.length === 0) console.error("no deployments");
        else console.log(deploymentTable(views, Date.now()));
      }),
    );

  const applyChange = async (
    client: RanaasClient,
    id: string,
    patch: (current: DeploymentView) => Record<string, unknown>,
    options: OutputOptions & { wait?: boolean; timeout: number },
  ): Promise<void> => {
    const current = await client.getDeployment(id);
    const view = await client.updateDeployment(id, patch(current), current.revision);
    if (options.wait === true) await waitSettled(client, view, options.timeout, UPDATE_SETTLED_STATES);
    finish(options.wait === true ? await client.getDeployment(id) : view, options.output);
  };

  program
    .command("update")
    .argument("<deployment>", "the deployment's name or id")
    .description("change a deployment with a JSON merge patch (only what changes is restarted)")
    .requiredOption("-f, --file <path>", "the merge patch as JSON or YAML ('-' for stdin)")
    .option("--wait", "wait until the change is done")
    .addOption(timeoutOption())
    .addOption(outputOption())
    .action((id: string, options: OutputOptions & { file: string; wait?: boolean; timeout: number }) =>
      withClient("update", async (client) => {
        const patch = await readSpecFile(options.file);
        await applyChange(client, await deploymentId(client, id), () => patch, options);
      }),
    );

  program
    .command("scale")
    .argument("<deployment>", "the deployment's name or id")
    .description("change the number of cells; new cells copy the last one")
    .requiredOption("--cells <n>", "number of cells", integer)
    .option("--wait", "wait until the change is done")
    .addOption(timeoutOption())
    .addOption(outputOption())
    .action((id: string, options: OutputOptions & { cells: number; wait?: boolean; timeout: number }) =>
      withClient("scale", async (client) =>
        applyChange(
          client,
          await deploymentId(client, id),
          (current) => ({
            cells: resizeCells(current.spec.cells as Record<string, unknown>[], options.cells),
          }),
          options,
        ),
      ),
    );

  program
    .command("delete")
    .argument("<deployment>", "the deployment's name or id")
    .description("tear a deployment down and give its RUs and identities back")
    .option("--wait", "wait until it is deleted")
    .addOption(timeoutOption())
    .addOption(outputOption())
    .action((id: string, options: OutputOptions & { wait?: boolean; timeout: number }) =>
      withClient("delete", async (client) => {
        let view = await client.deleteDeployment(await deploymentId(client, id));
        if (options.wait === true)
          view = await waitSettled(client, view, options.timeout, DELETE_SETTLED_STATES);
        if (options.output === "table") console.log(`${view.name} (${view.id}) ${view.state}`);
        else console.log(formatData(view, options.output));
      }),
    );

  program
    .command("watch")
    .argument(
      "[deployment]",
      "one deployment, by name or id (with its components); default: all this key may see",
    )
    .description("print state changes as they happen, until interrupted (or the deployment is deleted)")
    .addOption(
      new Option("-o, --output <format>", "table or json (one object per line)")
        .choices(["table", "json"])
        .default("table"),
    )
    .action((id: string | undefined, options: { output: "table" | "json" }) =>
      withClient("watch", async (client) => {
        const stop = new AbortController();
        process.once("SIGINT", () => stop.abort());
        const watched = id === undefined ? undefined : await deploymentId(client, id);
        for await (const event of client.events(watched, stop.signal)) {
          if (event.event === "unavailable") {
            console.error(`(API reports: ${event.data})`);
            continue;
          }
          if (event.event === "revoked")
            throw new CommandFailure(
              "the API key no longer works (rotated, or its tenant deleted): log in with a new one",
              EXIT.unauthorized,
            );
          if (event.event === "transition") {
            // A state it passed through between two looks of the API.
            const passed = JSON.parse(event.data) as Pick<
              DeploymentView,
              "id" | "name" | "state" | "revision"
            > & {
              reasonCode?: string;
              at: string;
            };
            if (options.output === "json") console.log(JSON.stringify(passed));
            else console.log(watchLine(passed.at, passed, passed.reasonCode));
            continue;
          }
          if (event.event !== "deployment") continue;
          const view = JSON.parse(event.data) as DeploymentView;
          if (options.output === "json") {
            console.log(JSON.stringify(view));
            continue;
          }
          const components = view.status?.components ?? [];
          const ready =
            components.length === 0
              ? undefined
              : `${components.filter((c) => c.ready).length}/${components.length} ready`;
          console.log(watchLine(new Date().toISOString(), view, ready, view.reason));
          if (view.state === STATE.ready && id !== undefined)
            for (const line of describeConnection(view)) console.log(line);
        }
      }),
    );
}

/** One line of `ranaas watch`: when, which deployment, its state and revision, then what else is known. */
function watchLine(
  at: string,
  d: Pick<DeploymentView, "id" | "name" | "state" | "revision">,
  ...more: (string | undefined)[]
): string {
  return [at, d.name, d.id, d.state, `rev ${d.revision}`, ...more.filter((m) => m !== undefined)].join("  ");
}
