/**
 * A tiny node:http server for Dialpad client tests: records every request (method, path, query,
 * headers, parsed JSON body) and answers with whatever the test's handler says, including the
 * edge cases a simulator does not produce (HTTP-date Retry-After, malformed JSON, dropped sockets).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path without the query, as received (e.g. `/api/v2/users/42`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export type Reply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Close the connection without answering (the request was received: an ambiguous failure). */
  | { destroy: true }
  /** Never answer (until the server stops): the client's timeout must fire. */
  | { hang: true };

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface ScriptedServer {
  /** Base URL including `/api/v2`, as the client expects. */
  baseUrl: string;
  requests: RecordedRequest[];
  setHandler(handler: Handler): void;
  stop(): Promise<void>;
}

export const json = (jsonBody: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  json: jsonBody,
  headers,
});

/** One reply per request, in order; the last one repeats. */
export const sequence =
  (...replies: Reply[]): Handler =>
  (_request, index) =>
    replies[Math.min(index, replies.length - 1)]!;

export async function startScriptedServer(handler: Handler = () => json({})): Promise<ScriptedServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = rawBody === "" ? undefined : JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      const reply = await current(recorded, requests.length - 1);
      if ("destroy" in reply) {
        req.socket.destroy();
        return;
      }
      if ("hang" in reply) {
        hanging.add(res);
        return;
      }
      const text = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v2`,
    requests,
    setHandler(next) {
      current = next;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
