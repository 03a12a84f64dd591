/**
 * A local HTTP endpoint that records what the sandbox delivers to a webhook, answering each
 * delivery with the status the test chooses (e.g. 503 first, then 200).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  body: string;
  contentType: string | undefined;
}

export async function startHookListener(statusFor: (attempt: number) => number = () => 200) {
  const deliveries: Delivery[] = [];
  let attempts = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      attempts += 1;
      deliveries.push({
        body: Buffer.concat(chunks).toString(),
        contentType: request.headers["content-type"],
      });
      response.writeHead(statusFor(attempts)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dialpad-events`,
    deliveries,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
