// The offline stacks' passphrase salt never enters the tracked `Pulumi.<stack>.yaml`.
// How the Pulumi CLI reads it (v3.248.0 source, read 2026-12-05: pkg/cmd/pulumi/stack/secrets.go GetSecretsManager,
// pkg/secrets/passphrase/manager.go): the passphrase secrets manager takes `encryptionsalt` from the stack's config
// file (workspace.ProjectStack); without one it falls back to the checkpoint's secrets manager and then saves the salt
// back into that file. No environment variable carries it. But preview, up, destroy, refresh, import, watch and
// config take `--config-file <path>`: so the wrapper gives the CLI a copy of `Pulumi.<stack>.yaml` in the engine's
// home with the offline salt added, and only reads the tracked file. Whatever the CLI writes lands in the copy.
// `config set/rm` edit the copy; the edited config (without the salt) is then written to the tracked file, since
// editing it is what those commands are for. `stack init` runs in a scratch project of the same name (below).
import * as fs from "node:fs";
import * as path from "node:path";
import { BedrockSfnError } from "../../src/core/errors";

const SALT_LINE = /^encryptionsalt:\s*(\S+)\s*$/m;
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** The commands that take `--config-file` (the others never read or write a stack's config). */
export const CONFIG_FILE_COMMANDS = new Set(["preview", "pre", "up", "update", "destroy", "down", "refresh", "import", "watch", "config"]);

/** Bad use of the wrapper (an unknown stack, a missing --stack): one line, exit 2. */
export class StackUsageError extends BedrockSfnError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The stacks of a project: its `Pulumi.<stack>.yaml` files. */
export function knownStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((name) => STACK_FILE.exec(name)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** A stack the project has no file for is a typo, not a new stack: nothing is created for it. */
export function checkStackKnown(projectDir: string, stack: string): void {
  const known = knownStacks(projectDir);
  if (known.includes(stack)) return;
  throw new StackUsageError(
    `unknown stack '${stack.slice(0, 60)}': there is no Pulumi.${stack.slice(0, 60)}.yaml; known stacks: ${known.join(", ") || "none"} (a new one: npm run pulumi -- stack init <name>)`,
  );
}

function saltFile(stateDir: string, stack: string): string {
  return path.join(stateDir, "salts", stack);
}

/** The offline salt of a stack, if the engine has made one. */
function offlineSalt(stateDir: string, stack: string): string | undefined {
  try {
    return fs.readFileSync(saltFile(stateDir, stack), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function saveOfflineSalt(stateDir: string, stack: string, salt: string): void {
  fs.mkdirSync(path.dirname(saltFile(stateDir, stack)), { recursive: true });
  fs.writeFileSync(saltFile(stateDir, stack), `${salt}\n`);
}

export function removeOfflineSalt(stateDir: string, stack: string): void {
  fs.rmSync(saltFile(stateDir, stack), { force: true });
}

function withoutSalt(text: string): string {
  return text.replace(/^encryptionsalt:.*\n?/m, "");
}

function saltIn(text: string): string | undefined {
  return SALT_LINE.exec(text)?.[1];
}

export interface StackConfigCopy {
  /** The copy the CLI is given with `--config-file`. */
  file: string;
  /** After the command: keeps a salt the CLI created; with `writeBack`, puts config edits into the tracked file. */
  finish(writeBack: boolean): void;
}

/**
 * Writes the copy of `Pulumi.<stack>.yaml` for one command: the tracked text, plus the offline salt unless the user
 * put a salt of their own there (theirs wins).
 */
export function stackConfigCopy(projectDir: string, stateDir: string, stack: string): StackConfigCopy {
  const tracked = path.join(projectDir, `Pulumi.${stack}.yaml`);
  // A project folder other than this checkout's may have no stack file (a YAML program holds its own settings).
  const text = fs.existsSync(tracked) ? fs.readFileSync(tracked, "utf8") : "";
  const salt = saltIn(text) === undefined ? offlineSalt(stateDir, stack) : undefined;
  const given = salt ? `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}encryptionsalt: ${salt}\n` : text;
  const file = path.join(stateDir, "stacks", `Pulumi.${stack}.yaml`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, given);
  return {
    file,
    finish(writeBack) {
      let after: string;
      try {
        after = fs.readFileSync(file, "utf8");
      } catch {
        return;
      }
      const created = saltIn(after);
      if (created && saltIn(text) === undefined && created !== salt) saveOfflineSalt(stateDir, stack, created);
      if (!writeBack || withoutSalt(after) === withoutSalt(given)) return;
      const edited = saltIn(text) === undefined ? withoutSalt(after) : after;
      try {
        fs.writeFileSync(tracked, edited);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "error";
        throw new StackUsageError(`cannot save the config change to ${tracked}: ${code} (a read-only checkout?); the edited copy is ${file}`);
      }
    },
  };
}

/**
 * `pulumi stack init <stack>` without touching the checkout: run in a scratch project holding only `Pulumi.yaml`
 * (the project's name is all stack init reads); the salt it writes there becomes the stack's offline salt.
 */
export function scratchProjectForInit(projectDir: string, stateDir: string): { dir: string; takeSalt(stack: string): void } {
  const dir = path.join(stateDir, "init-project");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return {
    dir,
    takeSalt(stack) {
      try {
        const salt = saltIn(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"));
        if (salt) saveOfflineSalt(stateDir, stack, salt);
      } catch {
        // No stack file written (a secrets provider other than the passphrase): nothing to keep.
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
