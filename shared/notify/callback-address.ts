/**
 * Which addresses a job-finished callback may reach (SSRF guard). A callback URL is written by a
 * client, and the service POSTs from inside the customer's AWS account, so it must never reach the
 * account's private network, the instance metadata service or the function itself. Checked twice:
 * on the URL as submitted (an IP literal in a refused range answers 400) and on every DNS answer at
 * send time (a name can point anywhere, and can change between submit and send).
 *
 * Only global unicast passes. The special ranges come from ipaddr.js (private, loopback, link-local,
 * CGNAT, multicast, documentation, benchmarking, the 6to4 relay 192.88.99.0/24...); an IPv6 address
 * that carries an IPv4 one (IPv4-compatible, mapped, translated, NAT64, 6to4, Teredo) is judged as the
 * IPv4 it carries, since a relay or translator on the path would deliver it there.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

export type AddressVerdict = "allowed" | "loopback" | "metadata" | "internal";

/** The cloud metadata service: IPv4 and EC2's IPv6. */
const METADATA_V4 = ipaddr.IPv4.parse("169.254.169.254");
const METADATA_V6 = ipaddr.IPv6.parse("fd00:ec2::254");
/** 2000::/3: the only IPv6 block IANA allocates for global unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** Classifies an IP address; anything that is not a plain IP literal is `internal` (never connected to). */
export function classifyAddress(address: string): AddressVerdict {
  // node's isIP is strict (no `127.1`, `0x7f.0.0.1` or octal forms, which ipaddr.js would read).
  const family = isIP(address);
  if (family === 4) return classifyIpv4(ipaddr.IPv4.parse(address));
  if (family === 6) return classifyIpv6(ipaddr.IPv6.parse(address));
  return "internal";
}

function classifyIpv4(ip: IPv4): AddressVerdict {
  if (ip.match(METADATA_V4, 32)) return "metadata";
  const range = ip.range();
  if (range === "loopback") return "loopback";
  return range === "unicast" ? "allowed" : "internal";
}

function classifyIpv6(ip: IPv6): AddressVerdict {
  if (ip.match(METADATA_V6, 128)) return "metadata";
  if (ip.range() === "loopback") return "loopback";
  const carried = carriedIpv4(ip);
  if (carried === "local-use") return "internal";
  if (carried) return classifyIpv4(carried);
  return ip.range() === "unicast" && ip.match(GLOBAL_UNICAST_V6) ? "allowed" : "internal";
}

const ipv4Of = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 address an IPv6 one carries, by prefix; `local-use` for NAT64's local-use prefix
 * (64:ff9b:1::/48, RFC 8215), whose embedding depends on the operator's prefix length and which is
 * never global: refused outright.
 */
function carriedIpv4(ip: IPv6): IPv4 | "local-use" | undefined {
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  const lastTwo = ipv4Of(p[6], p[7]);
  const zeros = (...indexes: number[]) => indexes.every((i) => p[i] === 0);
  if (zeros(0, 1, 2, 3, 4, 5)) return lastTwo; // ::/96, IPv4-compatible (deprecated): ::7f00:1
  if (zeros(0, 1, 2, 3, 4) && p[5] === 0xffff) return lastTwo; // ::ffff:0:0/96, mapped
  if (zeros(0, 1, 2, 3, 5) && p[4] === 0xffff) return lastTwo; // ::ffff:0:0:0/96, translated (RFC 6145)
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 3, 4, 5)) return lastTwo; // 64:ff9b::/96, NAT64
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) return "local-use";
  if (p[0] === 0x2002) return ipv4Of(p[1], p[2]); // 2002::/16, 6to4: the next 32 bits
  // 2001::/32, Teredo: the client's address is the last 32 bits, every bit inverted.
  if (p[0] === 0x2001 && p[1] === 0) return ipv4Of(~p[6] & 0xffff, ~p[7] & 0xffff);
  return undefined;
}

/** The host of a URL as an address when it is an IP literal (`[::1]` → `::1`), else undefined. */
export function addressLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

const isLoopbackName = (hostname: string) => hostname === "localhost" || hostname.endsWith(".localhost");

/** How a URL's host reads before any DNS lookup: its literal's verdict, `loopback` for localhost names. */
function hostVerdict(url: URL): AddressVerdict {
  const literal = addressLiteral(url.hostname);
  if (literal) return classifyAddress(literal);
  return isLoopbackName(url.hostname) ? "loopback" : "allowed";
}

/**
 * What is wrong with a callback URL as written, or undefined when it may be accepted: https (http
 * only to a loopback host, for local mode: the sender refuses loopback outside local mode), no
 * credentials, and no IP literal outside the public internet (loopback aside, as for http).
 */
export function callbackUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Expected an absolute https URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Expected an https URL.";
  if (url.username || url.password) return "A callback URL must not carry credentials.";
  const verdict = hostVerdict(url);
  if (verdict === "metadata") return "The cloud metadata address is never a callback target.";
  if (verdict === "internal")
    return "A callback URL must not point at a private, link-local or reserved address.";
  if (url.protocol === "http:" && verdict !== "loopback")
    return "Expected an https URL (http is accepted only to loopback, in local mode).";
  return undefined;
}

/** The callback ports allowed when none are configured (CALLBACK_PORTS). */
export const DEFAULT_CALLBACK_PORTS: readonly number[] = [443];

/**
 * What is wrong with a callback URL's port, or undefined: only the configured ports (443 by
 * default), so a callback cannot probe other services of a public host. A loopback target (local
 * mode only: the sender refuses loopback elsewhere) may use any port.
 */
export function callbackPortProblem(url: URL, allowedPorts: readonly number[]): string | undefined {
  if (hostVerdict(url) === "loopback") return undefined;
  const port = url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
  if (allowedPorts.includes(port)) return undefined;
  return `Port ${port} is not allowed for callbacks (allowed: ${allowedPorts.join(", ")}).`;
}
