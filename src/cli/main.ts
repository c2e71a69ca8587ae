#!/usr/bin/env node
// The `ranaas` command: one root here, each subcommand registers itself from its own module.
import { Command } from "commander";
import { registerCapacityCommands } from "./commands/capacity.ts";
import { registerDeploymentCommands } from "./commands/deployments.ts";
import { registerLoginCommand } from "./commands/login.ts";
import { registerPreflightCommand } from "./commands/preflight.ts";
import { registerRenderCommand } from "./commands/render.ts";
import { registerRuCommand } from "./commands/ru.ts";
import { registerServeCommand } from "./commands/serve.ts";
import { registerStackCommand } from "./commands/stack.ts";
import { registerTenantCommand } from "./commands/tenant.ts";
import { registerTopCommand } from "./commands/top.ts";
import { EXIT_CODES_HELP } from "./support/session.ts";
import { RANAAS_VERSION } from "../platform/version.ts";

const program = new Command()
  .name("ranaas")
  .description("RAN-as-a-Service: 5G cells on demand, provisioned as srsRAN CU/DU/RU pods on Kubernetes.")
  .version(RANAAS_VERSION)
  .showHelpAfterError()
  .addHelpText("after", EXIT_CODES_HELP);

registerLoginCommand(program);
registerDeploymentCommands(program);
registerCapacityCommands(program);
registerTopCommand(program);

registerServeCommand(program);
registerRenderCommand(program);
registerPreflightCommand(program);
registerRuCommand(program);
registerTenantCommand(program);
registerStackCommand(program);

await program.parseAsync(process.argv);
