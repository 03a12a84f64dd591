/** Code blocks of the docs, run by the tests as written: the block right after `<!-- snippet: NAME ... -->`. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

export async function docSnippet(doc: string, name: string): Promise<string> {
  const text = await readFile(resolve(import.meta.dirname, "../../docs", doc), "utf8");
  const at = text.indexOf(`<!-- snippet: ${name}`);
  if (at < 0) throw new Error(`docs/${doc} has no snippet ${name}`);
  const block = /```\w*\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block?.[1]) throw new Error(`snippet ${name} in docs/${doc} has no code block`);
  return block[1];
}
