// The environment every offline engine run gets: a local file backend, a passphrase, no update check, no plugin
// downloads, and plugins only from the engine's own plugin cache (where installAwsStandIn puts the AWS provider
// stand-in) or bundled with the CLI, never from PATH. Nothing here can reach AWS or Pulumi Cloud.
import * as path from "node:path";
import { OFFLINE_PASSPHRASE, PLUGINS_DIR, PROJECT_ROOT, localBackendDir } from "./paths";

export interface EngineEnvOptions {
  /** The file backend's folder; default the checkout's folder in the engine's home (paths.ts localBackendDir). */
  backendDir?: string;
  /** The environment to start from; default process.env. */
  base?: NodeJS.ProcessEnv;
}

export function engineEnv(options: EngineEnvOptions = {}): NodeJS.ProcessEnv {
  const base = options.base ?? process.env;
  const backendDir = options.backendDir ?? localBackendDir();
  const env: NodeJS.ProcessEnv = { ...base };
  // A user's cloud backend or access token would send state to Pulumi Cloud: this wrapper is local only.
  delete env.PULUMI_ACCESS_TOKEN;
  // A plugin on PATH wins over the plugin cache (with a warning): a real pulumi-resource-aws there would reach AWS.
  // The language host still comes from beside the CLI, where the engine looks for bundled plugins.
  env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
  env.PULUMI_BACKEND_URL = `file://${backendDir}`;
  // Credentials, workspace settings and plugin folders of this backend, not the user's ~/.pulumi.
  env.PULUMI_HOME = path.join(backendDir, "home");
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) env.PULUMI_CONFIG_PASSPHRASE = OFFLINE_PASSPHRASE;
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  // The cached CLI's language host runs this project's language host; the AWS stand-in's launcher finds the project.
  env.BEDROCK_SFN_ROOT = PROJECT_ROOT;
  env.BEDROCK_SFN_LANGUAGE_HOST = path.join(PLUGINS_DIR, "pulumi-language-nodejs");
  return env;
}
