/**
 * Serves the webhook function's handler on a local node:http listener, the way API Gateway would
 * hand it the raw body, so the sandbox's change-log deliveries reach the real receiver. Records
 * each delivery's body and our answer, so a test can replay a delivery byte for byte.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebhookHandler } from "../../../functions/webhook/handler";

export interface ReceivedDelivery {
  body: string;
  status: number;
  answer: string;
}

export async function startWebhookEndpoint(handler: WebhookHandler) {
  const deliveries: ReceivedDelivery[] = [];
  /** While set, deliveries are answered 200 and kept here instead of reaching the handler. */
  let held: string[] | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (held) {
        held.push(body);
        response.writeHead(200).end();
        return;
      }
      const result = await handler({ body, isBase64Encoded: false }).catch(() => ({
        statusCode: 500,
        body: '{"error":{"code":"internal_error"}}',
      }));
      deliveries.push({ body, status: result.statusCode, answer: result.body });
      response.writeHead(result.statusCode, { "content-type": "application/json" }).end(result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/dialpad`,
    deliveries,
    /** Keeps the following deliveries aside (acknowledged) until `release`. */
    hold() {
      held = [];
    },
    release(): string[] {
      const bodies = held ?? [];
      held = undefined;
      return bodies;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type WebhookEndpoint = Awaited<ReturnType<typeof startWebhookEndpoint>>;
