// Installs the AWS provider stand-in into the engine's PULUMI_HOME the way `pulumi plugin install` lays out a
// resource plugin (plugins/resource-aws-v<version>/pulumi-resource-aws, an install lock file beside it, and a
// `.partial` marker present only while the install is under way), so the engine takes it from its plugin cache:
// no "using pulumi-resource-aws from $PATH" warning, and a real provider on the user's PATH is never picked up.
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_PLUGIN_DIR, AWS_PLUGIN_FILE } from "../paths";

/**
 * What the plugin cache holds: a launcher of the project's stand-in (tools/engine/plugins/pulumi-resource-aws) in the
 * project that started the engine (BEDROCK_SFN_ROOT, set by engineEnv), like the language host's launcher.
 */
export const AWS_STAND_IN_LAUNCHER = `#!/usr/bin/env bash
# The AWS provider stand-in of bedrock-sfn's offline engine (installed by tools/engine/aws/plugin-install.ts): it runs
# tools/engine/plugins/pulumi-resource-aws of the project that started the engine (BEDROCK_SFN_ROOT, set by 'npm run pulumi').
if [ -z "\${BEDROCK_SFN_ROOT:-}" ] || [ ! -x "$BEDROCK_SFN_ROOT/tools/engine/plugins/${AWS_PLUGIN_FILE}" ]; then
  echo "${AWS_PLUGIN_FILE}: this is bedrock-sfn's offline stand-in; it runs only through 'npm run pulumi' (BEDROCK_SFN_ROOT is not set)" >&2
  exit 1
fi
exec "$BEDROCK_SFN_ROOT/tools/engine/plugins/${AWS_PLUGIN_FILE}" "$@"
`;

/** The plugin folder Pulumi reads resource plugins from under a PULUMI_HOME. */
function awsPluginDir(pulumiHome: string): string {
  return path.join(pulumiHome, "plugins", AWS_PLUGIN_DIR);
}

/** Installs the stand-in under `pulumiHome` unless it is there already; returns the plugin's folder. */
export function installAwsStandIn(pulumiHome: string): string {
  const dir = awsPluginDir(pulumiHome);
  const binary = path.join(dir, AWS_PLUGIN_FILE);
  const partial = `${dir}.partial`;
  if (!fs.existsSync(partial) && readOrEmpty(binary) === AWS_STAND_IN_LAUNCHER) return dir;
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  // Pulumi's own install leaves its (empty) lock file in place and removes `.partial` only once the plugin is whole:
  // the engine skips a folder whose `.partial` marker exists.
  fs.closeSync(fs.openSync(`${dir}.lock`, "a", 0o600));
  fs.writeFileSync(partial, "", { mode: 0o600 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Renamed into place so that a concurrent engine run never starts a half-written launcher.
  const staged = path.join(dir, `.${AWS_PLUGIN_FILE}.${process.pid}`);
  fs.writeFileSync(staged, AWS_STAND_IN_LAUNCHER, { mode: 0o755 });
  fs.renameSync(staged, binary);
  fs.rmSync(partial, { force: true });
  return dir;
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
