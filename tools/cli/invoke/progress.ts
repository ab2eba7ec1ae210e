// A one-line "still running" indicator on stderr, shown only when stderr is a terminal.

export interface Progress {
  update(status: string, elapsedMs: number): void;
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const frames = ["|", "/", "-", "\\"];
  let frame = 0;
  let shown = false;
  return {
    update(status, elapsedMs) {
      stream.write(`\r${frames[frame++ % frames.length]} execution ${status} (${Math.round(elapsedMs / 1000)} s)   `);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}
