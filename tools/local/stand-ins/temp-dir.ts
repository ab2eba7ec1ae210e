// Temporary folders of the local cloud (the S3 stand-in's store, serve's outputs file): removed when their owner
// closes them, and otherwise when the process exits, however it exits (a signal handled by the CLIs included).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const live = new Set<string>();
let hooked = false;

/** A new folder `<tmpdir>/<prefix>XXXXXX`, removed at exit unless removed before. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  live.add(dir);
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const left of live) fs.rmSync(left, { recursive: true, force: true });
    });
  }
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
