/**
 * The vendored spec is pinned: SOURCE.md records where it came from and its sha256, and this test
 * fails when openapi.json changes without that record changing with it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (name: string) => readFileSync(new URL(`./spec/${name}`, import.meta.url));
const record = read("SOURCE.md").toString("utf8");

describe("the vendored Dialpad spec", () => {
  it("is the file SOURCE.md describes (sha256)", () => {
    const recorded = /\| sha256 \| `([0-9a-f]{64})` \|/.exec(record)?.[1];
    expect(recorded, "SOURCE.md must record the sha256 of openapi.json").toBeDefined();
    expect(createHash("sha256").update(read("openapi.json")).digest("hex")).toBe(recorded);
  });

  it("records its repository, commit and date", () => {
    expect(record).toMatch(/\| repository \| `dialpad\/dialpad-python-sdk`/);
    expect(record).toMatch(/\| commit \| `[0-9a-f]{7,40}` \|/);
    expect(record).toMatch(/\| date \| \w+ \d{4} \|/);
  });
});
