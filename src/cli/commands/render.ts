// `ranaas render <spec> --out DIR`: plans a request against the local stack's topology and writes its
// srsRAN configs, Kubernetes manifests and resource definition — no cluster needed.
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Option, type Command } from "commander";
import { parse } from "yaml";
import { RAN_FLAVOURS, type RanFlavour } from "../../domain/resource-definition.ts";
import type { RuPool } from "../../domain/ru-pool.ts";
import { readRuPool } from "../read-ru-pool.ts";
import { DEFAULT_RENDER_OPTIONS } from "../../k8s/render/render-manifests.ts";
import { previewSoftware, renderRequest } from "../../offline/render-request.ts";

export const EXIT_INVALID_REQUEST = 2;
export const EXIT_REJECTED = 3;

interface RenderFlags {
  out: string;
  site?: string;
  tenant: string;
  id?: string;
  flavour: RanFlavour;
  imageCu?: string;
  imageDu?: string;
  imageRuEmulator?: string;
  pool?: string;
  fronthaulInterface: string;
  upfCidr: string[];
}

export function registerRenderCommand(program: Command): void {
  program
    .command("render")
    .description(
      "write the srsRAN configs and Kubernetes manifests for a request, planned against the local topology",
    )
    .argument("<spec>", "the RAN deployment request, JSON or YAML")
    .requiredOption("-o, --out <dir>", "folder to write into (its manifests/ and srsran/ are replaced)")
    .option("--site <site>", "place the cells at this site (overrides the request's site)")
    .option(
      "--pool <file>",
      "plan against this RU pool file (as for ranaas ru import) instead of the local topology: its sites and nodes, and one central node for the CU",
    )
    .option("--tenant <tenant>", "tenant the deployment belongs to", "local")
    .option(
      "--id <uuid>",
      "deployment id (default: derived from the request's name, so output is reproducible)",
    )
    .addOption(
      new Option("--flavour <flavour>", "the RAN software the images hold")
        .choices(RAN_FLAVOURS)
        .default("srsran"),
    )
    .option("--image-cu <image>", "image of the CU (default: a preview name no node can pull)")
    .option("--image-du <image>", "image of the DU (default: a preview name)")
    .option("--image-ru-emulator <image>", "image of the RU emulators (default: a preview name)")
    .option(
      "--fronthaul-interface <name>",
      "host interface of the fronthaul network",
      DEFAULT_RENDER_OPTIONS.fronthaulMasterInterface,
    )
    .option("--upf-cidr <cidr>", "where N3 traffic may come from (repeatable)", collect, [])
    .action(async (specPath: string, flags: RenderFlags) => {
      process.exitCode = await render(specPath, flags);
    });
}

function softwareOf(flags: RenderFlags) {
  const preview = previewSoftware(flags.flavour);
  const images = {
    cu: flags.imageCu ?? preview.images.cu,
    du: flags.imageDu ?? preview.images.du,
    ruEmulator: flags.imageRuEmulator ?? preview.images.ruEmulator,
  };
  if (flags.imageCu === undefined || flags.imageDu === undefined || flags.imageRuEmulator === undefined)
    console.error(
      "ranaas render: without --image-cu, --image-du and --image-ru-emulator the manifests name preview " +
        "images (preview.invalid/…) that no node can pull: give your own images before applying them",
    );
  return { flavour: flags.flavour, images };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function render(specPath: string, flags: RenderFlags): Promise<number> {
  let request: unknown;
  try {
    request = parse(await readFile(specPath, "utf8"));
  } catch (err) {
    console.error(
      `ranaas render: cannot read ${specPath}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return EXIT_INVALID_REQUEST;
  }
  let pool: RuPool | undefined;
  if (flags.pool !== undefined) {
    pool = await readRuPool(flags.pool, "render");
    if (pool === undefined) return EXIT_INVALID_REQUEST;
  }
  const name =
    typeof request === "object" && request !== null ? (request as { name?: unknown }).name : undefined;
  const result = renderRequest(request, {
    ...(pool === undefined ? {} : { pool }),
    deploymentId: flags.id ?? idFromName(typeof name === "string" ? name : specPath),
    tenant: flags.tenant,
    site: flags.site,
    software: softwareOf(flags),
    render: {
      fronthaulMasterInterface: flags.fronthaulInterface,
      upfCidrs: flags.upfCidr.length > 0 ? flags.upfCidr : DEFAULT_RENDER_OPTIONS.upfCidrs,
    },
  });
  if (!result.ok) {
    if ("problems" in result) {
      console.error(`ranaas render: ${specPath} is not a valid request:`);
      for (const p of result.problems) console.error(`  ${p.path || "(request)"}: ${p.message}`);
      return EXIT_INVALID_REQUEST;
    }
    console.error(
      `ranaas render: cannot place ${specPath} (${result.rejection.code}): ${result.rejection.message}`,
    );
    return EXIT_REJECTED;
  }
  await Promise.all(
    ["manifests", "srsran"].map((dir) => rm(join(flags.out, dir), { recursive: true, force: true })),
  );
  for (const [path, content] of Object.entries(result.files)) {
    const target = join(flags.out, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  const def = result.definition;
  console.log(`rendered ${Object.keys(result.files).length} files into ${flags.out}`);
  console.log(`  namespace ${def.namespace}, site ${def.site}, gNB ID ${def.gnbId} (${def.gnbIdBits} bits)`);
  console.log(`  CU on ${def.cu.node}, DU on ${def.du.node}`);
  for (const cell of def.cells) {
    console.log(
      `  cell ${cell.index}: n${cell.band} ${cell.bandwidthMHz} MHz ARFCN ${cell.dlArfcn} PCI ${cell.pci} NCI ${cell.nciHex} RU ${cell.ruId} (${cell.ruNode})`,
    );
  }
  return 0;
}

/** A UUID (version 8, name-based) from the request's name: the same request renders the same files. */
function idFromName(name: string): string {
  const hex = createHash("sha256").update(`ranaas:${name}`).digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
