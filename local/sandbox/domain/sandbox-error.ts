/**
 * A refusal of the simulated Dialpad, carrying the HTTP status the real API answers with.
 * The HTTP layer turns it into `{"error": {"code", "message"}}`.
 */
export class SandboxError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

export const badRequest = (message: string) => new SandboxError(400, message);
export const notFound = (message: string) => new SandboxError(404, message);
export const conflict = (message: string) => new SandboxError(409, message);
