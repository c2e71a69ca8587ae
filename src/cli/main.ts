#!/usr/bin/env node
// The `ranaas` command: one root here, each subcommand registers itself from its own module.
import { Command } from "commander";
import { registerRenderCommand } from "./commands/render.ts";
import { registerRuCommand } from "./commands/ru.ts";
import { registerServeCommand } from "./commands/serve.ts";
import { registerStackCommand } from "./commands/stack.ts";
import { registerTenantCommand } from "./commands/tenant.ts";

const program = new Command()
  .name("ranaas")
  .description("RAN-as-a-Service: 5G cells on demand, provisioned as srsRAN CU/DU/RU pods on Kubernetes.")
  .version("0.1.0")
  .showHelpAfterError();

registerServeCommand(program);
registerRenderCommand(program);
registerRuCommand(program);
registerTenantCommand(program);
registerStackCommand(program);

await program.parseAsync(process.argv);
