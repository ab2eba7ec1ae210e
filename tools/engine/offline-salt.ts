// Passphrase stacks keep an `encryptionsalt:` line in `Pulumi.<stack>.yaml`. The offline stacks' salt belongs to
// the local backend, not to the tracked stack files: committed, it would make a real deploy of the same stack use
// the offline passphrase. So the wrapper lends the salt to the stack file for the length of a command and keeps it
// in `.pulumi-local/salts/<stack>` otherwise. A salt the user put there themselves is never touched.
// Saving the salt makes Pulumi rewrite the whole file (typed values become strings: `maxTokens: "2048"`), so for
// commands that are not meant to edit config, the stack files are put back exactly as they were.
import * as fs from "node:fs";
import * as path from "node:path";

const SALT_LINE = /^encryptionsalt:\s*(\S+)\s*$/m;
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

function stackFiles(projectDir: string): Array<{ stack: string; file: string }> {
  return fs
    .readdirSync(projectDir)
    .map((name) => ({ name, match: STACK_FILE.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ stack: e.match[1], file: path.join(projectDir, e.name) }));
}

/** Before a command: puts each offline salt back into its stack file. Returns the files that already had their own. */
export function lendSalts(projectDir: string, saltsDir: string): Set<string> {
  const ownSalts = new Set<string>();
  for (const { stack, file } of stackFiles(projectDir)) {
    const text = fs.readFileSync(file, "utf8");
    if (SALT_LINE.test(text)) {
      ownSalts.add(file);
      continue;
    }
    const saltFile = path.join(saltsDir, stack);
    if (!fs.existsSync(saltFile)) continue;
    const salt = fs.readFileSync(saltFile, "utf8").trim();
    fs.writeFileSync(file, `${text}${text.endsWith("\n") ? "" : "\n"}encryptionsalt: ${salt}\n`);
  }
  return ownSalts;
}

/** After a command: moves the offline salts (lent, or just created by `stack init`) out of the stack files. */
export function takeBackSalts(projectDir: string, saltsDir: string, ownSalts: Set<string>): void {
  for (const { stack, file } of stackFiles(projectDir)) {
    if (ownSalts.has(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    const match = SALT_LINE.exec(text);
    if (!match) continue;
    fs.mkdirSync(saltsDir, { recursive: true });
    fs.writeFileSync(path.join(saltsDir, stack), `${match[1]}\n`);
    fs.writeFileSync(file, text.replace(/^encryptionsalt:.*\n?/m, ""));
  }
}

/**
 * Guards the stack files around one command: offline salts lent before and taken back after; unless the command
 * edits config (`allowEdits`), every stack file is restored byte for byte. Returns the function to call after.
 */
export function guardStackFiles(projectDir: string, saltsDir: string, allowEdits: boolean): () => void {
  const before = new Map(stackFiles(projectDir).map(({ file }) => [file, fs.readFileSync(file, "utf8")]));
  const ownSalts = lendSalts(projectDir, saltsDir);
  return () => {
    takeBackSalts(projectDir, saltsDir, ownSalts);
    if (allowEdits) return;
    for (const [file, text] of before) {
      if (fs.existsSync(file) && fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
    }
  };
}
