/**
 * The signature checks docs/integrations.md gives integrators are run here as written: the Node
 * snippet is imported from the document's text, the Python one run with python3 (when this machine
 * has it), each against a header signed by the service's own signer.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureHeader, verifySignatureHeader } from "../../shared/notify/callback-signature";
import { docSnippet } from "../support/doc-snippet";

const SECRET = "whsec_test_0123456789abcdef";
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
  it("signs `<t>.<body>` and its own check accepts it, refusing tampering, other keys and old stamps", () => {
    const header = signatureHeader(SECRET, BODY, now());
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignatureHeader(header, BODY, SECRET, now())).toBe(true);
    expect(verifySignatureHeader(header, `${BODY} `, SECRET, now())).toBe(false);
    expect(verifySignatureHeader(header, BODY, "another-key-0123456", now())).toBe(false);
    expect(verifySignatureHeader(signatureHeader(SECRET, BODY, now() - 3600), BODY, SECRET, now())).toBe(
      false,
    );
  });
});

describe("docs/integrations.md", () => {
  it("gives a Node.js check that accepts the service's signature and refuses a forged one", async () => {
    const file = join(dir, "verify-signature.mjs");
    await writeFile(file, await docSnippet("integrations.md", "verify-signature.mjs"));
    const { verifyCallback } = (await import(pathToFileURL(file).href)) as {
      verifyCallback: (body: string, header: string, secret: string) => boolean;
    };
    expect(verifyCallback(BODY, signatureHeader(SECRET, BODY, now()), SECRET)).toBe(true);
    expect(
      verifyCallback(BODY.replace("succeeded", "failed"), signatureHeader(SECRET, BODY, now()), SECRET),
    ).toBe(false);
    expect(verifyCallback(BODY, signatureHeader("wrong-key-0123456789", BODY, now()), SECRET)).toBe(false);
    expect(verifyCallback(BODY, signatureHeader(SECRET, BODY, now() - 600), SECRET)).toBe(false);
    expect(verifyCallback(BODY, "t=abc,v1=00", SECRET)).toBe(false);
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  it.runIf(python)(
    "gives a Python check that accepts the service's signature and refuses a forged one",
    async () => {
      const file = join(dir, "verify_signature.py");
      await writeFile(
        file,
        `${await docSnippet("integrations.md", "verify_signature.py")}
import sys
body, header, secret = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
print("valid" if verify_callback(body, header, secret) else "invalid")
`,
      );
      const run = (body: string, header: string) =>
        spawnSync("python3", [file, body, header, SECRET], { encoding: "utf8" }).stdout.trim();
      expect(run(BODY, signatureHeader(SECRET, BODY, now()))).toBe("valid");
      expect(run(`${BODY}x`, signatureHeader(SECRET, BODY, now()))).toBe("invalid");
      expect(run(BODY, signatureHeader(SECRET, BODY, now() - 600))).toBe("invalid");
      expect(run(BODY, "garbage")).toBe("invalid");
    },
  );
});
