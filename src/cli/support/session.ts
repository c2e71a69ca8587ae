// Runs a client command: finds the login, makes the client, and turns every failure into a message on
// stderr and an exit code scripts can rely on (documented in `ranaas --help` and the README).
import { ApiError, RanaasClient, UnreachableError } from "../../api-client/api-client.ts";
import { InvalidClientConfigError, loadClientConfig } from "./client-config.ts";
import { clientSettings } from "../../platform/config.ts";

export const EXIT = {
  ok: 0,
  error: 1,
  invalid: 2,
  rejected: 3,
  notFound: 4,
  unauthorized: 5,
  failed: 6,
  timedOut: 7,
  unavailable: 8,
} as const;

export const EXIT_CODES_HELP = `
Exit codes of the client commands:
  0  done                       4  no such deployment
  1  unexpected error           5  not logged in, key invalid or not allowed
  2  invalid request or flags   6  the deployment ended failed
  3  refused: no capacity, quota, conflict
  7  --wait timed out           8  API or one of its dependencies unavailable`;

/** A failure the command already explained: just the message and the exit code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
    this.name = "CommandFailure";
  }
}

export function exitCodeOf(err: ApiError): number {
  const status = err.status;
  if (status === 401 || status === 403) return EXIT.unauthorized;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.rejected;
  if (status === 503 || status === 502 || status === 504) return EXIT.unavailable;
  if (status >= 400 && status < 500) return EXIT.invalid;
  return EXIT.error;
}

function report(command: string, err: unknown): number {
  if (err instanceof CommandFailure) {
    console.error(`ranaas ${command}: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof ApiError) {
    const code = err.problem.code === undefined ? "" : ` (${err.problem.code})`;
    console.error(`ranaas ${command}: ${err.message.split("\n")[0] ?? ""}${code}`);
    for (const line of err.message.split("\n").slice(1)) console.error(line);
    return exitCodeOf(err);
  }
  if (err instanceof UnreachableError) {
    console.error(`ranaas ${command}: ${err.message}`);
    return EXIT.unavailable;
  }
  if (err instanceof InvalidClientConfigError) {
    console.error(`ranaas ${command}: ${err.message}`);
    return EXIT.unauthorized;
  }
  console.error(`ranaas ${command}: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.error;
}

/** Runs `work` and sets the exit code from whatever it threw. */
export async function runCommand(command: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    process.exitCode = report(command, err);
  }
}

/** Runs `work` with a client for the saved login (or RANAAS_URL / RANAAS_API_KEY). */
export function withClient(command: string, work: (client: RanaasClient) => Promise<void>): Promise<void> {
  return runCommand(command, async () => {
    const login = await loadClientConfig(clientSettings());
    if (login === undefined)
      throw new CommandFailure(
        "not logged in: run 'ranaas login <url>' (or set RANAAS_URL and RANAAS_API_KEY)",
        EXIT.unauthorized,
      );
    await work(new RanaasClient(login.url, login.apiKey));
  });
}
