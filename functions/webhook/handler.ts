/** Placeholder entry so the stack synthesizes; the webhook function's owner replaces this file. */
export async function handler(): Promise<never> {
  throw new Error("not implemented");
}
