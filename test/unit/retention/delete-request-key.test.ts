/** The sweeper's idempotency key outlives the person's record by years: it carries no email. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deleteRequestKey } from "../../../shared/retention/submit-delete-job";

describe("deleteRequestKey", () => {
  const person = {
    email: "ada.lovelace@example.com",
    user_id: "42",
    delete_after: "2026-03-01T00:00:00.000Z",
  };
  const emailHash = createHash("sha256").update(person.email).digest("hex");

  it("names the person by the SHA-256 of the email, never the email", () => {
    const { key } = deleteRequestKey(person);
    expect(key).toBe(`sweeper#${emailHash}#${encodeURIComponent(person.delete_after)}`);
    expect(key).not.toContain("ada");
    expect(deleteRequestKey(person, "job-1").key).toBe(`${key}#after#job-1`);
  });

  it("still tells people and deadlines apart", () => {
    const key = deleteRequestKey(person).key;
    expect(deleteRequestKey({ ...person, email: "grace@example.com" }).key).not.toBe(key);
    expect(deleteRequestKey({ ...person, delete_after: "2026-04-01T00:00:00.000Z" }).key).not.toBe(key);
  });
});
