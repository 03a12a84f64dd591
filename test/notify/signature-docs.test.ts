/**
 * The signature checks docs/integrations.md gives integrators are run here as written: the Node
 * snippet is imported from the document's text, the Python one run with python3 (when this machine
 * has it), each against a header signed by the service's own signer: a genuine callback verifies;
 * a forged one (another client's key) and another client's callback replayed are refused.
 */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureHeader, verifySignatureHeader } from "../../shared/notify/callback-signature";
import { docSnippet } from "../support/doc-snippet";

/** Two clients, each with its own callback key: the receiver of each checks with its own name and key. */
const JIRA = { client: "jira", key: "jira_cbk_0123456789abcdef" };
const SERVICENOW = { client: "servicenow", key: "sn_cbk_0123456789abcdef" };
const BODY = JSON.stringify({
  job_id: "j-1",
  kind: "onboard",
  status: "succeeded",
  email: "ada@example.com",
});
const now = () => Math.floor(Date.now() / 1000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "signature-docs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the service's signer", () => {
  it("signs `v2.<client>.<t>.<body>` and its own check accepts it, refusing tampering, other clients and old stamps", () => {
    const header = signatureHeader(JIRA, BODY, now());
    expect(header).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
    const t = Number(header.slice(2, header.indexOf(",")));
    const mac = createHmac("sha256", JIRA.key).update(`v2.jira.${t}.${BODY}`).digest("hex");
    expect(header).toBe(`t=${t},v2=${mac}`);
    expect(verifySignatureHeader(header, BODY, JIRA, now())).toBe(true);
    expect(verifySignatureHeader(header, `${BODY} `, JIRA, now())).toBe(false);
    expect(verifySignatureHeader(header, BODY, SERVICENOW, now())).toBe(false);
    expect(verifySignatureHeader(header, BODY, { ...JIRA, client: "servicenow" }, now())).toBe(false);
    expect(verifySignatureHeader(signatureHeader(JIRA, BODY, now() - 3600), BODY, JIRA, now())).toBe(false);
  });
});

describe("docs/integrations.md", () => {
  it("gives a Node.js check that accepts the service's signature and refuses forged and replayed ones", async () => {
    const file = join(dir, "verify-signature.mjs");
    await writeFile(file, await docSnippet("integrations.md", "verify-signature.mjs"));
    const { verifyCallback } = (await import(pathToFileURL(file).href)) as {
      verifyCallback: (body: string, header: string, client: string, key: string) => boolean;
    };
    const atServiceNow = (body: string, header: string) =>
      verifyCallback(body, header, SERVICENOW.client, SERVICENOW.key);
    expect(atServiceNow(BODY, signatureHeader(SERVICENOW, BODY, now()))).toBe(true);
    expect(atServiceNow(BODY.replace("succeeded", "failed"), signatureHeader(SERVICENOW, BODY, now()))).toBe(
      false,
    );
    // Forged by another receiver with its own key, and jira's genuine callback replayed here.
    expect(atServiceNow(BODY, signatureHeader({ ...JIRA, client: "servicenow" }, BODY, now()))).toBe(false);
    expect(atServiceNow(BODY, signatureHeader(JIRA, BODY, now()))).toBe(false);
    expect(atServiceNow(BODY, signatureHeader(SERVICENOW, BODY, now() - 600))).toBe(false);
    expect(atServiceNow(BODY, "t=abc,v2=00")).toBe(false);
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  it.runIf(python)(
    "gives a Python check that accepts the service's signature and refuses forged and replayed ones",
    async () => {
      const file = join(dir, "verify_signature.py");
      await writeFile(
        file,
        `${await docSnippet("integrations.md", "verify_signature.py")}
import sys
body, header, client, key = sys.argv[1].encode(), sys.argv[2], sys.argv[3], sys.argv[4]
print("valid" if verify_callback(body, header, client, key) else "invalid")
`,
      );
      const run = (body: string, header: string) =>
        spawnSync("python3", [file, body, header, JIRA.client, JIRA.key], { encoding: "utf8" }).stdout.trim();
      expect(run(BODY, signatureHeader(JIRA, BODY, now()))).toBe("valid");
      expect(run(`${BODY}x`, signatureHeader(JIRA, BODY, now()))).toBe("invalid");
      expect(run(BODY, signatureHeader(SERVICENOW, BODY, now()))).toBe("invalid");
      expect(run(BODY, signatureHeader({ ...SERVICENOW, client: "jira" }, BODY, now()))).toBe("invalid");
      expect(run(BODY, signatureHeader(JIRA, BODY, now() - 600))).toBe("invalid");
      expect(run(BODY, "garbage")).toBe("invalid");
    },
  );
});
