// `--role-policy-file`: an IAM policy document to run the workflow as, instead of the stack's own role policy.
// The file may hold the document, or the JSON string of it that `npm run synth -- --json` shows as `inputs.policy`.

import * as fs from "node:fs";
import { RolePolicyError, type RolePolicySource } from "./execution-role";

export function readRolePolicyFile(file: string): RolePolicySource {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new RolePolicyError(`--role-policy-file '${file}': cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return { source: `--role-policy-file '${file}'`, policy: JSON.parse(text) };
  } catch (error) {
    throw new RolePolicyError(`--role-policy-file '${file}' is not JSON (${(error as Error).message}); it must hold an IAM policy document {"Version", "Statement": [...]}`);
  }
}
