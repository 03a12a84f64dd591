/**
 * Progress of a bulk run on stderr: a bar redrawn in place on a terminal, plain lines otherwise
 * (CI logs, a redirected file), one per finished row.
 */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class Progress {
  private drawn = false;

  constructor(
    private readonly output: ProgressOutput,
    private readonly phase: string,
    private readonly total: number,
  ) {}

  /** `done` rows of `total` are through this phase; `event` says what just happened to one. */
  update(done: number, event?: string): void {
    if (!this.output.isTTY) {
      if (event) this.output.write(`${this.phase} ${done}/${this.total}: ${event}\n`);
      return;
    }
    const width = Math.max(10, Math.min(40, (this.output.columns ?? 80) - this.phase.length - 20));
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    this.output.write(
      `\r${this.phase} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total}\u001b[K`,
    );
    this.drawn = true;
  }

  /** Ends the bar's line (a terminal); plain output needs nothing. */
  finish(): void {
    if (this.drawn) this.output.write("\n");
    this.drawn = false;
  }
}
