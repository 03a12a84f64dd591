/**
 * The signature of a job-finished callback, scheme v2:
 *
 *   Dialpad-Lifecycle-Signature: t=<unix seconds>,v2=<hex>
 *   hex = HMAC-SHA256(<the client's callback key>, "v2.<client name>.<t>.<raw body>")
 *
 * Each client has its own key (its `callback_key` in the client registry), so a receiver can
 * forge no callback to another client's receiver; the client's name is signed too, so a captured
 * callback cannot be replayed to another client's receiver even by mistake of a shared key, and the
 * time lets a receiver refuse replays of an old delivery (docs/integrations.md shows the check).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Dialpad-Lifecycle-Signature";

/** Who a callback is signed for: the client that asked for the job, and its callback key. */
export interface CallbackSigner {
  client: string;
  key: string;
}

const mac = ({ client, key }: CallbackSigner, unixSeconds: number, body: string) =>
  createHmac("sha256", key).update(`v2.${client}.${unixSeconds}.${body}`).digest();

export function signatureHeader(signer: CallbackSigner, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v2=${mac(signer, unixSeconds, body).toString("hex")}`;
}

/** True when `header` signs `body` for `signer` and its time is within `toleranceSeconds` of `nowSeconds`. */
export function verifySignatureHeader(
  header: string,
  body: string,
  signer: CallbackSigner,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const given = parts.get("v2") ?? "";
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given))
    return false;
  return timingSafeEqual(mac(signer, t, body), Buffer.from(given, "hex"));
}
