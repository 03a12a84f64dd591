/**
 * Which addresses a job-finished callback may reach (SSRF guard). A callback URL is written by a
 * client, and the service POSTs from inside the customer's AWS account, so it must never reach the
 * account's private network, the instance metadata service or the function itself. Checked twice:
 * on the URL as submitted (an IP literal in a refused range answers 400) and on every DNS answer at
 * send time (a name can point anywhere, and can change between submit and send).
 */
import { BlockList, isIP } from "node:net";

/** Never reachable, whatever the mode: the cloud metadata service (IPv4 and EC2's IPv6). */
const METADATA = new BlockList();
METADATA.addAddress("169.254.169.254", "ipv4");
METADATA.addAddress("fd00:ec2::254", "ipv6");

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Private, link-local, CGNAT, unique-local, multicast and reserved ranges: not the public internet. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local, metadata included
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast included
] as const)
  INTERNAL.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["fc00::", 7], // unique-local (fd00:ec2::254 included)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const)
  INTERNAL.addSubnet(network, prefix, "ipv6");

export type AddressVerdict = "allowed" | "loopback" | "metadata" | "internal";

/** Classifies an IP address; IPv4 embedded in IPv6 (mapped, NAT64) is judged as the IPv4 it carries. */
export function classifyAddress(address: string): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return "internal"; // not an address at all: never connect to it
  const embedded = family === 6 ? embeddedIpv4(address) : undefined;
  if (embedded) return classifyAddress(embedded);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (METADATA.check(address, type)) return "metadata";
  if (LOOPBACK.check(address, type)) return "loopback";
  if (INTERNAL.check(address, type)) return "internal";
  return "allowed";
}

/** `::ffff:10.0.0.1`, `::ffff:a00:1`, `64:ff9b::a00:1` → `10.0.0.1`. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex?.[1] || !hex[2]) return undefined;
  const high = Number.parseInt(hex[1], 16);
  const low = Number.parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** The host of a URL as an address when it is an IP literal (`[::1]` → `::1`), else undefined. */
export function addressLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

const isLoopbackName = (hostname: string) => hostname === "localhost" || hostname.endsWith(".localhost");

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
  const literal = addressLiteral(url.hostname);
  const verdict = literal ? classifyAddress(literal) : isLoopbackName(url.hostname) ? "loopback" : "allowed";
  if (verdict === "metadata") return "The cloud metadata address is never a callback target.";
  if (verdict === "internal")
    return "A callback URL must not point at a private, link-local or reserved address.";
  if (url.protocol === "http:" && verdict !== "loopback")
    return "Expected an https URL (http is accepted only to loopback, in local mode).";
  return undefined;
}
