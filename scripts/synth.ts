// npm run synth -- --stack <name> [--config <key>=<value>]... [--json]
// Runs the Pulumi program offline under mocks and prints what `pulumi up` would create.
import { parseCommonArgs, runCli } from "./lib/args";
import { renderPreview } from "./lib/preview";
import { synthesize } from "./lib/synth";

const USAGE = "npm run synth -- --stack <name> [--config <key>=<value>]... [--json]";

runCli(async () => {
  const args = parseCommonArgs(process.argv.slice(2), {}, USAGE);
  const result = await synthesize({ stack: args.stack, overrides: args.overrides });
  if (args.json) {
    const resources = result.resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
    process.stdout.write(`${JSON.stringify({ resources, outputs: result.outputs })}\n`);
  } else {
    process.stdout.write(`${renderPreview(result)}\n`);
  }
});
