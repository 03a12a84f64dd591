/**
 * The ticket-closing recipes of docs/integrations.md against real callback bodies (the job view of
 * jobs the in-memory service ran) signed by the service's own signer:
 * - the ServiceNow Scripted REST script runs as written, in a VM with the Glide APIs it calls
 *   emulated as ServiceNow documents them (`generateMac` takes a base64 key and answers base64),
 *   verifying scheme v2: its own client's callbacks pass; a forged one (another client's key), another
 *   client's callback replayed to it and the retired v1 scheme are refused, in constant time;
 * - every `{{webhookData.…}}` smart value of the Jira Automation rule names a field the body has.
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../shared/lifecycle/model";
import { jobView } from "../../shared/lifecycle/views";
import { SIGNATURE_HEADER, signatureHeader } from "../../shared/notify/callback-signature";
import { docSnippet } from "../support/doc-snippet";
import { memoryService } from "../unit/support/memory-service";

/** The ServiceNow client's callback key, and another client's (whose callbacks it must refuse). */
const SERVICENOW = { client: "servicenow", key: "sn_cbk_0123456789abcdef" };
const JIRA = { client: "jira", key: "jira_cbk_0123456789abcdef" };
const TICKET = { system: "servicenow", id: "RITM0010001" };
const now = () => Math.floor(Date.now() / 1000);

/** A finished job of the in-memory service, as the callback carries it. */
async function finishedJob(request: { email: string; office_name?: string }): Promise<string> {
  const s = memoryService();
  const { job } = await s.onboard({ ...request, ticket: TICKET });
  await s.work();
  return JSON.stringify(jobView((await s.jobs.get(job.job_id)) as Job));
}

let succeeded: string;
let failed: string;
beforeAll(async () => {
  succeeded = await finishedJob({ email: "ada@example.com" });
  failed = await finishedJob({ email: "bob@example.com", office_name: "Atlantis" });
});

describe("the ServiceNow Scripted REST recipe", () => {
  interface RequestItem {
    number: string;
    state: number;
    work_notes: string;
  }

  /** Runs the documented script on one request; answers the status it set and the request item. */
  async function deliver(body: string, header: string, callbackKey = SERVICENOW.key) {
    const items: RequestItem[] = [{ number: TICKET.id, state: 1, work_notes: "" }];
    let status: number | undefined;
    const context = {
      request: {
        body: { dataString: body },
        getHeader: (name: string) => (name === SIGNATURE_HEADER ? header : undefined),
      },
      response: { setStatus: (code: number) => (status = code) },
      gs: { getProperty: (name: string) => (name === "x_dialpad.callback_key" ? callbackKey : undefined) },
      GlideStringUtil: { base64Encode: (text: string) => Buffer.from(text, "utf8").toString("base64") },
      GlideCertificateEncryption: class {
        generateMac(base64Key: string, algorithm: string, data: string): string {
          if (algorithm !== "HmacSHA256") throw new Error(`unexpected algorithm ${algorithm}`);
          return createHmac("sha256", Buffer.from(base64Key, "base64")).update(data, "utf8").digest("base64");
        }
      },
      GlideRecord: class {
        [field: string]: unknown;
        private found: RequestItem | undefined;
        constructor(readonly table: string) {}
        get(field: string, value: string): boolean {
          if (this.table !== "sc_req_item" || field !== "number") return false;
          this.found = items.find((item) => item.number === value);
          return this.found !== undefined;
        }
        update(): void {
          if (!this.found) throw new Error("update() without a record");
          if (this.work_notes !== undefined) this.found.work_notes = String(this.work_notes);
          if (this.state !== undefined) this.found.state = Number(this.state);
        }
      },
    };
    runInNewContext(await docSnippet("integrations.md", "servicenow-callback.js"), context);
    return { status, item: items[0] };
  }

  it("closes the request item of a succeeded job, with the job in its work notes", async () => {
    const { status, item } = await deliver(succeeded, signatureHeader(SERVICENOW, succeeded, now()));
    expect(status).toBe(204);
    expect(item?.state).toBe(3);
    expect(item?.work_notes).toMatch(new RegExp(`^Dialpad job ${JSON.parse(succeeded).job_id} succeeded$`));
  });

  it("notes a failed job's error code and message, leaving the item open", async () => {
    const { status, item } = await deliver(failed, signatureHeader(SERVICENOW, failed, now()));
    expect(status).toBe(204);
    expect(item?.state).toBe(1);
    expect(item?.work_notes).toContain("failed: office_not_found");
  });

  it("answers 401 and changes nothing for a forged or replayed callback, a changed body or an old stamp", async () => {
    const v1 = (t: number) =>
      `t=${t},v1=${createHmac("sha256", SERVICENOW.key).update(`${t}.${succeeded}`).digest("hex")}`;
    for (const [body, header] of [
      // Forged by the holder of another client's key, for this client.
      [succeeded, signatureHeader({ ...JIRA, client: SERVICENOW.client }, succeeded, now())],
      // Another client's genuine callback, replayed to this receiver.
      [succeeded, signatureHeader(JIRA, succeeded, now())],
      [succeeded.replace("succeeded", "cancelled"), signatureHeader(SERVICENOW, succeeded, now())],
      [succeeded, signatureHeader(SERVICENOW, succeeded, now() - 600)],
      // The retired scheme (no client name) with this client's own key.
      [succeeded, v1(now())],
      [succeeded, "t=1,v2=zz"],
    ] as const) {
      const { status, item } = await deliver(body, header);
      expect(status).toBe(401);
      expect(item).toEqual({ number: TICKET.id, state: 1, work_notes: "" });
    }
  });

  it("compares the signature in constant time, never with an early-exit string comparison", async () => {
    const script = await docSnippet("integrations.md", "servicenow-callback.js");
    expect(script).toMatch(/!sameText\(base64ToHex\(/);
    expect(script).not.toMatch(/(expected|v2)\s*[!=]==|[!=]==\s*(expected|v2)\b/);
  });
});

describe("the Jira Automation recipe", () => {
  /** Every `{{webhookData.a.b}}` of the Jira section. */
  async function smartValues(): Promise<string[][]> {
    const text = await readFile(resolve(import.meta.dirname, "../../docs/integrations.md"), "utf8");
    const section = text.slice(
      text.indexOf("### Closing the ticket: Jira"),
      text.indexOf("### Closing the ticket: ServiceNow"),
    );
    return [...section.matchAll(/\{\{webhookData\.([\w.]+)\}\}/g)].map((match) =>
      (match[1] ?? "").split("."),
    );
  }

  const at = (body: unknown, path: string[]) =>
    path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);

  it("uses only fields the callback body has (error ones on a failed job)", async () => {
    const paths = await smartValues();
    expect(paths.length).toBeGreaterThanOrEqual(6);
    for (const path of paths) {
      const body = JSON.parse(path[0] === "error" ? failed : succeeded);
      expect(at(body, path), `webhookData.${path.join(".")}`).toEqual(expect.anything());
    }
    expect(at(JSON.parse(succeeded), ["ticket", "id"])).toBe(TICKET.id);
  });
});
