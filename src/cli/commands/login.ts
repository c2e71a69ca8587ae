// `ranaas login [url]`: checks an API key against the API and saves endpoint + key for the client
// commands (see src/cli/support/client-config.ts for where and how it is kept).
import { text } from "node:stream/consumers";
import type { Command } from "commander";
import { RanaasClient } from "../../api-client/api-client.ts";
import { saveClientConfig } from "../support/client-config.ts";
import { clientSettings } from "../../platform/config.ts";
import { CommandFailure, EXIT, runCommand } from "../support/session.ts";

/** Reads a line from the terminal without echoing it. */
async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  let typed = "";
  try {
    for await (const chunk of input) {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return typed;
        if (ch === "\u0003") throw new CommandFailure("cancelled", EXIT.error);
        typed = ch === "\u007f" ? typed.slice(0, -1) : typed + ch;
      }
    }
    return typed;
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write("\n");
  }
}

export function registerLoginCommand(program: Command): void {
  program
    .command("login")
    .argument("[url]", "the RANaaS API", "http://127.0.0.1:8080")
    .option("--api-key-stdin", "read the API key from standard input (for scripts)")
    .description("check an API key and save it with the endpoint for the other commands (file mode 0600)")
    .action((url: string, options: { apiKeyStdin?: boolean }) =>
      runCommand("login", async () => {
        const settings = clientSettings();
        const fromStdin = options.apiKeyStdin === true || process.stdin.isTTY !== true;
        const apiKey = (fromStdin ? await text(process.stdin) : await promptSecret("API key: ")).trim();
        if (apiKey === "") throw new CommandFailure("no API key given", EXIT.invalid);
        const me = await new RanaasClient(url, apiKey).me();
        await saveClientConfig({ url, apiKey, tenant: me.tenant }, settings.configFile);
        console.log(
          `Logged in to ${url} as tenant ${me.tenant} (${me.role}); saved in ${settings.configFile}`,
        );
      }),
    );
}
