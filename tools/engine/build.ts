// `npm run engine:build`: the Pulumi CLI, then the language hosts of the other languages the engine tests run (YAML
// and Go), each built only when missing or outdated. Progress goes to stderr.
import { EngineSetupError, ensureCli } from "./build-cli";
import { ensureGoHost, ensureYamlHost } from "./build-hosts";

async function main(): Promise<void> {
  process.stderr.write(`[pulumi build] Pulumi CLI ready: ${await ensureCli()}\n`);
  process.stderr.write(`[pulumi build] YAML language host ready: ${await ensureYamlHost()}\n`);
  process.stderr.write(`[pulumi build] Go language host ready: ${await ensureGoHost()}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error instanceof EngineSetupError ? error.message : error.stack}\n`);
  process.exit(1);
});
