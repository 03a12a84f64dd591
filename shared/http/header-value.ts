/**
 * Case-insensitive header lookup: API Gateway passes headers as the client spelled them, and the
 * local HTTP front lower-cases them, so `Content-Type` and `content-type` must both be found.
 */
export type HeaderMap = Record<string, string | undefined> | null | undefined;

export function headerValue(headers: HeaderMap, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
