/**
 * Local mode's own messages, for a person at a terminal: one short line each, prefixed so they
 * stand out from the handlers' JSON logs (Powertools), which keep their Lambda format.
 */
export interface ProgressLog {
  step(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Unprefixed output (the ready line, the curl examples). */
  plain(message: string): void;
}

export function consoleProgressLog(write: (line: string) => void = (line) => console.log(line)): ProgressLog {
  return {
    step: (message) => write(`[local] ${message}`),
    warn: (message) => write(`[local] warning: ${message}`),
    error: (message) => write(`[local] error: ${message}`),
    plain: (message) => write(message),
  };
}

/** An error's message without its stack: what a person needs to act on. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
