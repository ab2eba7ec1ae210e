// bedrock-sfn synth --stack <name> [--config <key>=<value>]... [--json]
// Runs the Pulumi program offline under mocks and prints what `pulumi up` would create.
import { parseCommonArgs, runCli, writeNotes } from "./lib/args";
import { renderPreview } from "./lib/preview";
import { synthesize } from "./lib/synth";

const USAGE =
  "bedrock-sfn synth --stack <name> [--config <key>=<value>]... [--json]   (also: npm run synth -- ...)\n" +
  "  Runs the Pulumi program offline under Pulumi's mock engine and prints what `pulumi up` would create.\n" +
  "  --stack, -s <name>       the stack: Pulumi.<name>.yaml in the project folder (dev, prod, ...)\n" +
  "  --config, -c <key>=<v>   override one config key, e.g. bedrock-sfn:modelId=... or aws:region=eu-west-1 (repeatable)\n" +
  "  --json                   one JSON document {resources, outputs} on stdout (pipe-safe with npx bedrock-sfn or npm run -s)\n" +
  "  --help, -h               this help\n" +
  "  Exit 0 on success, 2 on bad usage or config (one line per problem on stderr).";

export async function main(argv: string[] = process.argv.slice(2), stdout: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  const args = parseCommonArgs(argv, {}, USAGE);
  const result = await synthesize({ stack: args.stack, overrides: args.overrides });
  writeNotes(result.notes ?? []);
  if (args.json) {
    const resources = result.resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
    stdout(`${JSON.stringify({ resources, outputs: result.outputs })}\n`);
  } else {
    stdout(`${renderPreview(result)}\n`);
  }
  return 0;
}

if (require.main === module) runCli(() => main());
