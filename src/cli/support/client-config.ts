// Where the CLI keeps the endpoint and API key between runs: a JSON file only its owner can read
// (0600 in a 0700 folder, like kubectl's kubeconfig or gh's hosts file). RANAAS_URL and RANAAS_API_KEY
// override it, so scripts and CI need no file at all. A file others can read is refused, as ssh does.
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ClientSettings } from "../../platform/config.ts";

export interface ClientConfig {
  url: string;
  apiKey: string;
  tenant?: string;
}

export class InvalidClientConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidClientConfigError";
  }
}

/** The saved login, with RANAAS_URL / RANAAS_API_KEY taking precedence; undefined when there is none. */
export async function loadClientConfig(settings: ClientSettings): Promise<ClientConfig | undefined> {
  const path = settings.configFile;
  let saved: Partial<ClientConfig> = {};
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8);
      throw new InvalidClientConfigError(
        `${path} can be read by others (mode ${mode}); run: chmod 600 ${path}`,
      );
    }
    saved = JSON.parse(await readFile(path, "utf8")) as Partial<ClientConfig>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const url = settings.url ?? saved.url;
  const apiKey = settings.apiKey ?? saved.apiKey;
  if (url === undefined || apiKey === undefined) return undefined;
  return { url, apiKey, ...(saved.tenant === undefined ? {} : { tenant: saved.tenant }) };
}

/** Writes the login atomically with mode 0600 (its folder 0700). */
export async function saveClientConfig(config: ClientConfig, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
