/**
 * The identity providers' requests kept as data (fixtures/<idp>.json), with `{placeholders}` for
 * the ids a test only knows once it has created the users or groups.
 */
import entra from "./fixtures/entra.json" with { type: "json" };
import google from "./fixtures/google.json" with { type: "json" };
import jumpcloud from "./fixtures/jumpcloud.json" with { type: "json" };
import okta from "./fixtures/okta.json" with { type: "json" };
import onelogin from "./fixtures/onelogin.json" with { type: "json" };

const PAYLOADS = { okta, entra, google, jumpcloud, onelogin };
type Payloads = typeof PAYLOADS;

/** A deep copy of one IdP's request, each `{name}` replaced by `ids[name]`. */
export function payload<I extends keyof Payloads, N extends Exclude<keyof Payloads[I], "about">>(
  idp: I,
  name: N,
  ids: Record<string, string> = {},
): Payloads[I][N] {
  const text = JSON.stringify(PAYLOADS[idp][name]).replace(/\{(\w+)\}/g, (whole, key: string) => {
    const id = ids[key];
    return id === undefined ? whole : id;
  });
  return JSON.parse(text) as Payloads[I][N];
}
