/**
 * Sends one callback POST, SSRF-safe: the host is resolved here, every address it resolves to is
 * checked (callback-address.ts), and the connection goes to the checked address (the socket's own
 * lookup answers it), so a DNS answer that changes between check and connect (rebinding) cannot
 * move the request. Redirects are not followed (a 3xx is a failed delivery). TLS still verifies
 * the certificate against the URL's host name.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import {
  addressLiteral,
  callbackPortProblem,
  classifyAddress,
  DEFAULT_CALLBACK_PORTS,
} from "./callback-address";

export interface CallbackPost {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** delivered: 2xx; failed: worth retrying; refused: the target is not allowed (never retried). */
export type PostOutcome =
  | { type: "delivered"; status: number }
  | { type: "failed"; reason: string; status?: number }
  | { type: "refused"; reason: string };

export interface CallbackSender {
  post(request: CallbackPost): Promise<PostOutcome>;
}

export interface HttpCallbackSenderOptions {
  /** Local mode: http and https to loopback addresses are allowed. */
  allowLoopback: boolean;
  timeoutMs?: number;
  /** CALLBACK_PORTS: the ports a callback may go to (loopback aside); default 443 only. */
  allowedPorts?: readonly number[];
  /** Injected in tests; default Node's resolver (getaddrinfo, as the socket would use). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

const defaultResolve = (hostname: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export class HttpCallbackSender implements CallbackSender {
  constructor(private readonly options: HttpCallbackSenderOptions) {}

  async post(request: CallbackPost): Promise<PostOutcome> {
    const url = new URL(request.url);
    const loopbackOk = this.options.allowLoopback;
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackOk))
      return { type: "refused", reason: `scheme ${url.protocol} is not allowed` };

    let addresses: LookupAddress[];
    const literal = addressLiteral(url.hostname);
    try {
      addresses = literal
        ? [{ address: literal, family: literal.includes(":") ? 6 : 4 }]
        : await (this.options.resolve ?? defaultResolve)(url.hostname);
    } catch (error) {
      return {
        type: "failed",
        reason: `DNS lookup failed (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      };
    }
    if (addresses.length === 0) return { type: "failed", reason: "DNS lookup found no address" };
    // Every answer must pass: otherwise a name with one public and one private address could be steered.
    for (const { address } of addresses) {
      const verdict = classifyAddress(address);
      if (verdict === "allowed" || (verdict === "loopback" && loopbackOk)) continue;
      return { type: "refused", reason: `the host resolves to a ${verdict} address` };
    }
    const allLoopback = addresses.every(({ address }) => classifyAddress(address) === "loopback");
    if (url.protocol === "http:" && !allLoopback)
      return { type: "refused", reason: "http is allowed only to loopback" };
    const portProblem = allLoopback
      ? undefined
      : callbackPortProblem(url, this.options.allowedPorts ?? DEFAULT_CALLBACK_PORTS);
    if (portProblem) return { type: "refused", reason: portProblem };

    const target = addresses[0] as LookupAddress;
    // The socket connects to the address checked above, never to a second DNS answer.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [target]);
      else callback(null, target.address, target.family);
    };
    return this.send(url, request, pinned);
  }

  private send(url: URL, request: CallbackPost, lookup: LookupFunction): Promise<PostOutcome> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const outgoing = send(
        url,
        {
          method: "POST",
          lookup,
          timeout: timeoutMs,
          headers: {
            ...request.headers,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(request.body)),
          },
        },
        (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          // Read (and drop) a bounded answer so the socket is released; its content is not ours to log.
          let seen = 0;
          response.on("data", (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > 64 * 1024) response.destroy();
          });
          const settle = () =>
            resolve(
              status >= 200 && status < 300
                ? { type: "delivered", status }
                : { type: "failed", status, reason: `answered ${status}` },
            );
          response.on("end", settle);
          response.on("close", settle);
          response.on("error", settle);
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      outgoing.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ type: "failed", reason: `request failed (${error.code ?? error.message})` }),
      );
      outgoing.end(request.body);
    });
  }
}
