/**
 * The node:http server: /api/v2 goes through the API pipeline, /__sandbox/ to the control routes
 * (no auth, no rate limit, no latency). Tracks open connections so stop() also ends keep-alive
 * and deliberately hung ones.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { API_BASE_PATH } from "./api-pipeline";
import { CONTROL_BASE_PATH, type ControlRoutes, handleControl } from "./control-routes";
import { errorBody, sendJson } from "./exchange";

export interface HttpServerParts {
  host: string;
  port: number;
  handleApi: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;
  control: ControlRoutes;
}

export interface RunningHttpServer {
  url: string;
  stop(): Promise<void>;
}

export async function startHttpServer(parts: HttpServerParts): Promise<RunningHttpServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sandbox.invalid");
    const handled = url.pathname.startsWith(`${API_BASE_PATH}/`)
      ? parts.handleApi(request, response, url)
      : url.pathname.startsWith(`${CONTROL_BASE_PATH}/`)
        ? handleControl(parts.control, request, response, url)
        : Promise.resolve(sendJson(response, 404, errorBody(404, `No such endpoint: ${url.pathname}`)));
    handled.catch((caught: unknown) => {
      console.error("sandbox: request failed", caught);
      sendJson(response, 500, errorBody(500, "Internal server error"));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(parts.port, parts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
        server.closeAllConnections();
      }),
  };
}
