// The progress of a catalog run on stderr: on a terminal one line that updates in place, elsewhere (CI logs,
// pipes) one line per Region as it finishes, so a log reads in order.
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

export class RegionProgress {
  private done = 0;
  private failed = 0;
  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
  ) {}

  regionDone(region: string, summary: string): void {
    this.done++;
    this.show(`${region}: ${summary}`);
  }

  regionFailed(region: string, reason: string): void {
    this.done++;
    this.failed++;
    this.show(`${region}: FAILED (${reason})`);
  }

  /** Ends the updating line, so what follows starts on its own line. */
  finish(): void {
    if (this.sink.isTTY && this.done > 0) this.sink.write("\n");
  }

  private show(what: string): void {
    const counts = `catalog: ${this.done}/${this.total} Regions${this.failed ? `, ${this.failed} failed` : ""}`;
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${counts} - ${what}`.slice(0, 200));
    else this.sink.write(`${counts} - ${what}\n`);
  }
}
