/**
 * JSON.parse that keeps integers beyond Number's precision: Dialpad ids exceed 2^53, and a client
 * (or Dialpad itself, in a webhook event) may send one as a bare JSON number. Such integers are turned into decimal strings before parsing
 * (Node 20's JSON.parse has no access to the source text), so the id survives intact.
 */
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

export function parseJsonKeepingBigIntegers(text: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      NUMBER_TOKEN.lastIndex = i;
      const match = NUMBER_TOKEN.exec(text);
      if (match) {
        const token = match[0];
        const isUnsafeInteger = !match[1] && !match[2] && !Number.isSafeInteger(Number(token));
        out += isUnsafeInteger ? `"${token}"` : token;
        i += token.length;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
  return JSON.parse(out);
}
