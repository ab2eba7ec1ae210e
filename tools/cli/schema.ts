// `npm run schema`: writes Pulumi.yaml's config section from the settings' schema (stack/schema-files.ts). Run it
// after adding or changing an argument; test/stack/settings.test.ts fails while it is stale.
// `npm run -s schema -- --table` prints every stack key as a Markdown table instead (docs/configuration.md points here).
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiYaml, settingsTable } from "../../stack/schema-files";

const root = path.resolve(__dirname, "..", "..");
if (process.argv.includes("--table")) {
  process.stdout.write(`${settingsTable()}\n`);
} else {
  const full = path.join(root, "Pulumi.yaml");
  const before = fs.readFileSync(full, "utf8");
  const after = pulumiYaml(before);
  if (after !== before) fs.writeFileSync(full, after);
  process.stdout.write(`Pulumi.yaml: ${after === before ? "up to date" : "written"}\n`);
}
