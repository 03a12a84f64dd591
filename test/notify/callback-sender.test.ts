/**
 * The callback sender against a real HTTP server on loopback: 2xx delivers, anything else (3xx
 * included: no redirect is followed) fails; DNS answers are checked at send time and the socket
 * connects to the checked address, whatever a second DNS answer would say.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpCallbackSender } from "../../shared/notify/callback-sender";

let server: Server;
let port: number;
const received: { url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let answer = 200;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ url: request.url ?? "", headers: request.headers, body });
      response.writeHead(answer, answer === 302 ? { location: "http://169.254.169.254/" } : {});
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const post = (sender: HttpCallbackSender, url: string) =>
  sender.post({ url, body: '{"job_id":"j"}', headers: { "Dialpad-Lifecycle-Signature": "t=1,v1=00" } });

describe("HttpCallbackSender in local mode (loopback allowed)", () => {
  const sender = new HttpCallbackSender({ allowLoopback: true });

  it("delivers to a loopback server over http, with the body and headers", async () => {
    answer = 204;
    received.length = 0;
    expect(await post(sender, `http://127.0.0.1:${port}/hook?x=1`)).toEqual({
      type: "delivered",
      status: 204,
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe("/hook?x=1");
    expect(received[0]?.body).toBe('{"job_id":"j"}');
    expect(received[0]?.headers["dialpad-lifecycle-signature"]).toBe("t=1,v1=00");
    expect(received[0]?.headers["content-type"]).toBe("application/json");
  });

  it("counts a 500 and a redirect as failures, and does not follow the redirect", async () => {
    answer = 500;
    expect(await post(sender, `http://127.0.0.1:${port}/hook`)).toMatchObject({
      type: "failed",
      status: 500,
    });
    answer = 302;
    received.length = 0;
    expect(await post(sender, `http://127.0.0.1:${port}/hook`)).toMatchObject({
      type: "failed",
      status: 302,
    });
    expect(received).toHaveLength(1);
  });

  it("connects to the checked address, not to what a second DNS answer would say", async () => {
    answer = 200;
    received.length = 0;
    let lookups = 0;
    const rebinding = new HttpCallbackSender({
      allowLoopback: true,
      resolve: async () => {
        lookups++;
        return [{ address: lookups === 1 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
      },
    });
    expect(await post(rebinding, `http://callbacks.localhost:${port}/hook`)).toMatchObject({
      type: "delivered",
    });
    expect(lookups).toBe(1);
    expect(received[0]?.headers.host).toBe(`callbacks.localhost:${port}`);
  });

  it("refuses a name with any private or metadata answer, and a connection failure is a failure", async () => {
    const resolvesTo = (...addresses: string[]) =>
      new HttpCallbackSender({
        allowLoopback: true,
        resolve: async () => addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
      });
    expect(await post(resolvesTo("93.184.216.34", "10.0.0.7"), "https://hooks.example.com/")).toMatchObject({
      type: "refused",
    });
    expect(await post(resolvesTo("169.254.169.254"), "https://hooks.example.com/")).toMatchObject({
      type: "refused",
      reason: expect.stringMatching(/metadata/),
    });
    expect(await post(resolvesTo("93.184.216.34"), "http://hooks.example.com/")).toMatchObject({
      type: "refused",
    });
    expect(await post(resolvesTo("93.184.216.34"), "https://hooks.example.com:8443/")).toMatchObject({
      type: "refused",
      reason: expect.stringMatching(/Port 8443 is not allowed/),
    });
    expect(await post(resolvesTo("2002:a00:1::1"), "https://hooks.example.com/")).toMatchObject({
      type: "refused",
      reason: expect.stringMatching(/internal/),
    });
    const closed = await post(sender, "http://127.0.0.1:1/hook");
    expect(closed).toMatchObject({ type: "failed", reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe("HttpCallbackSender in AWS (no loopback)", () => {
  const sender = new HttpCallbackSender({ allowLoopback: false });

  it("refuses http, loopback and the metadata address before connecting", async () => {
    received.length = 0;
    expect(await post(sender, `http://127.0.0.1:${port}/hook`)).toMatchObject({ type: "refused" });
    expect(await post(sender, `https://127.0.0.1:${port}/hook`)).toMatchObject({ type: "refused" });
    expect(await post(sender, "https://localhost/hook")).toMatchObject({ type: "refused" });
    expect(await post(sender, "https://169.254.169.254/latest/meta-data/")).toMatchObject({
      type: "refused",
      reason: expect.stringMatching(/metadata/),
    });
    expect(received).toEqual([]);
  });
});
