/** A worker "crash" right after Dialpad applied a change, before we record it: for resume tests. */
import type { DialpadApi } from "../../shared/dialpad/api";

class SimulatedCrash extends Error {}

/**
 * Wraps `api` so that the next call of `armed.method` (once) throws after Dialpad applied it; each
 * crash is noted in `armed.crashed` when given.
 */
export function crashingAfter(api: DialpadApi, armed: { method?: string; crashed?: string[] }): DialpadApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (armed.method === property) {
          armed.method = undefined;
          armed.crashed?.push(String(property));
          throw new SimulatedCrash(`crash after ${String(property)}`);
        }
        return result;
      };
    },
  });
}
