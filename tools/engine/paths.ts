// Where the offline engine keeps things: one place, so the wrapper, the build, the tests and the local cloud agree.
import { createHash } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT } from "../../stack/project";

/** The Pulumi CLI version built from source: the same as the `@pulumi/pulumi` SDK this project pins (~3.248.0). */
export const PULUMI_VERSION = "3.248.0";

/** The `@pulumi/aws` plugin version the stand-in reports (the `pulumi` block of `@pulumi/aws`'s package.json). */
export const AWS_PROVIDER_VERSION = "7.48.0";

/** The stand-in's folder in the plugin cache (`$PULUMI_HOME/plugins/`), named as Pulumi names a resource plugin's. */
export const AWS_PLUGIN_DIR = `resource-aws-v${AWS_PROVIDER_VERSION}`;

/** The executable Pulumi starts for the `aws` resource plugin. */
export const AWS_PLUGIN_FILE = "pulumi-resource-aws";

/** The project root (this file lives in `<root>/tools/engine/`). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Pulumi's project name (Pulumi.yaml `name`): the folder under `.pulumi/stacks/` that holds its stacks. */
const PROJECT_NAME = PROJECT;

/** The Go package of the CLI, built from the module proxy (never from a checkout). */
export const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";

/**
 * The YAML language host (`pulumi-language-yaml`), built from the Go module proxy next to the CLI, where the engine
 * looks for bundled plugins. v1.25.0 is the newest the proxy serves; it builds against the Pulumi SDK it requires
 * (v3.206.0): it does not compile against v3.248.0's (plugin.NewContextWithRoot lost a parameter in between), and
 * the CLI and a language host only speak the versioned gRPC protocol to each other.
 */
export const YAML_HOST = {
  module: "github.com/pulumi/pulumi-yaml",
  version: "1.25.0",
  package: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
  binary: "pulumi-language-yaml",
} as const;

/**
 * The Go language host (`pulumi-language-go`): this project's own stand-in (tools/engine/go-host), because Pulumi's
 * (`github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3`) is not on the Go module proxy. Built next to the CLI, and
 * rebuilt whenever its sources change (their hash is in its build record).
 */
export const GO_HOST = {
  source: path.join(__dirname, "go-host"),
  binary: "pulumi-language-go",
} as const;

/** Release-build flags, kept identical everywhere so that Go's build cache is shared between builds. */
export const GO_RELEASE_FLAGS = ["-trimpath", "-tags", "osusergo,grpcnotrace"];

/** The CLI's build flags: the release flags and its version stamp. */
export const GO_BUILD_FLAGS = [...GO_RELEASE_FLAGS, "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}`];

/** The engine's home, outside any work tree: `${XDG_CACHE_HOME:-~/.cache}/bedrock-sfn`. */
function engineHome(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "bedrock-sfn");
}

/** Binaries only, outside any work tree, keyed by version: `${XDG_CACHE_HOME:-~/.cache}/bedrock-sfn/pulumi-v<version>/`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(engineHome(env), `pulumi-v${PULUMI_VERSION}`);
}

/** The cached CLI binary. */
export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "bin", "pulumi");
}

/** A language host built next to the cached CLI, and the record of its build (which version, how long it took). */
export function cachedHostPath(binary: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "bin", binary);
}

/**
 * The AWS provider stand-in's launcher (`pulumi-resource-aws`), which the copy in the engine's plugin cache runs
 * (tools/engine/aws/plugin-install.ts).
 */
export const PLUGINS_DIR = path.join(__dirname, "plugins");

/**
 * Where the offline engine keeps one checkout's state (file backend, PULUMI_HOME, the stacks' offline salts): never
 * in the work tree, so that a read-only checkout works and no tracked file is ever written. One folder per checkout
 * in the engine's home, `<home>/checkouts/<folder name>-<hash of its path>`; BEDROCK_SFN_STATE_DIR (absolute) moves it.
 */
export function localBackendDir(root: string = PROJECT_ROOT, env: NodeJS.ProcessEnv = process.env): string {
  if (env.BEDROCK_SFN_STATE_DIR && path.isAbsolute(env.BEDROCK_SFN_STATE_DIR)) return env.BEDROCK_SFN_STATE_DIR;
  const resolved = path.resolve(root);
  const id = createHash("sha256").update(resolved).digest("hex").slice(0, 12);
  return path.join(engineHome(env), "checkouts", `${path.basename(resolved)}-${id}`);
}

/**
 * The state folder of a project folder other than this checkout's (`npm run pulumi -- -C <folder>`): its own, so that
 * its stacks' salts never meet this checkout's stacks of the same name. Under BEDROCK_SFN_STATE_DIR it is a
 * subfolder there.
 */
export function projectBackendDir(projectDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BEDROCK_SFN_STATE_DIR;
  if (!override || !path.isAbsolute(override)) return localBackendDir(projectDir, env);
  const resolved = path.resolve(projectDir);
  const id = createHash("sha256").update(resolved).digest("hex").slice(0, 12);
  return path.join(override, "projects", `${path.basename(resolved)}-${id}`);
}

/** A stack's checkpoint (Pulumi's own state JSON) in a file backend. */
export function stackStatePath(stack: string, backendDir: string = localBackendDir(), project: string = PROJECT_NAME): string {
  return path.join(backendDir, ".pulumi", "stacks", project, `${stack}.json`);
}

/**
 * The passphrase of offline stacks. Not a secret: these stacks never hold real credentials and never leave the
 * machine. A user's own PULUMI_CONFIG_PASSPHRASE wins.
 */
export const OFFLINE_PASSPHRASE = "bedrock-sfn-offline";
