/**
 * Authority and identity in the worker, on the real pipeline (DynamoDB Local, SQS server, sandbox):
 * a Dialpad admin (company, office, department or call center) is changed or deleted only on an
 * `admin` client's authority (privileged_user),
 * an offboard whose email and user id name different people changes nothing (identity_mismatch),
 * and an unexpected error shows in the job only as a generic internal error (and is logged).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, OffboardRequest, OnboardRequest } from "../../shared/lifecycle/model";
import type { PersonChange } from "../../shared/lifecycle/ports";
import { submitJob } from "../../shared/lifecycle/submit-job";
import { submitDeleteJob } from "../../shared/retention/submit-delete-job";
import { type LifecycleHarness, startLifecycleHarness } from "../support/lifecycle-harness";

/** An SDK-like failure: its message names a secret ARN and an account, which no job may show. */
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dialpad-api-key-AbCdEf";
class AccessDeniedException extends Error {
  override name = "AccessDeniedException";
  $metadata = { httpStatusCode: 400, requestId: "0c4e-req" };
}
const BROKEN_EMAIL = "broken.store@example.com";

let h: LifecycleHarness;
const unexpected: { jobId: string; error: unknown }[] = [];

beforeAll(async () => {
  h = await startLifecycleHarness({
    maxReceives: 2,
    wrapLifecycle: (deps) => ({
      ...deps,
      onUnexpectedError: (job, error) => unexpected.push({ jobId: job.job_id, error }),
      // The person store as it is, except that writing this one person fails like a denied SDK call.
      people: new Proxy(deps.people, {
        get(store, property) {
          if (property === "apply")
            return async (email: string, change: PersonChange) => {
              if (email === BROKEN_EMAIL)
                throw new AccessDeniedException(
                  `User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET_ARN}`,
                );
              return store.apply(email, change);
            };
          const value = Reflect.get(store, property, store);
          return typeof value === "function" ? value.bind(store) : value;
        },
      }),
    }),
  });
});
afterAll(() => h?.stop());

const ADMIN = ["admin", "onboard", "offboard", "read"];
const TICKETING = ["onboard", "offboard", "read"];

const clientOf = (scopes: string[]) => (scopes.includes("admin") ? "admin-desk" : "ticketing");
const onboardAs = (scopes: string[], request: Partial<OnboardRequest> & { email: string }) =>
  submitJob(
    {
      kind: "onboard",
      request: {
        first_name: "Ada",
        last_name: "Admin",
        license: "talk",
        admin_type: "none",
        call_center_ids: [],
        office_name: "HQ",
        ...request,
      },
    },
    { client: clientOf(scopes), idempotencyKey: undefined, scopes },
    h.service.submit,
  );
const offboardAs = (scopes: string[], request: OffboardRequest) =>
  submitJob(
    { kind: "offboard", request },
    { client: clientOf(scopes), idempotencyKey: undefined, scopes },
    h.service.submit,
  );
const reception = () => h.sandbox.state.department("Reception")?.id ?? "";
const support = () => h.sandbox.state.callCenter("Support")?.id ?? "";
const finished = async (submitted: Promise<{ job: Job }>) => h.waitForJob((await submitted).job.job_id);

describe("authority over Dialpad admins", () => {
  it("lets only an admin client grant, adopt, offboard and delete a company admin", async () => {
    const email = "super.admin@example.com";
    const granted = await finished(onboardAs(ADMIN, { email, admin_type: "company" }));
    expect(granted.status, JSON.stringify(granted.steps)).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email);
    expect(user?.isSuperAdmin).toBe(true);

    // A client without admin can neither offboard nor adopt (re-profile) the admin: nothing changes.
    const offboard = await finished(offboardAs(TICKETING, { email, retention_days: 0 }));
    expect(offboard.error?.code).toBe("privileged_user");
    const adopt = await finished(onboardAs(TICKETING, { email, first_name: "Mallory" }));
    expect(adopt.error?.code).toBe("privileged_user");
    expect(h.sandbox.state.user(user?.id ?? "")).toMatchObject({ state: "active", firstName: "Ada" });
    const record = await h.service.people.get(email);
    expect(record?.state).toBe("active");

    // The admin client's offboard carries its authority to the deletion.
    const adminOffboard = await finished(offboardAs(ADMIN, { email, retention_days: 0 }));
    expect(adminOffboard.status, JSON.stringify(adminOffboard.steps)).toBe("succeeded");
    const suspended = await h.service.people.get(email);
    expect(suspended?.deletion_admin_authority).toBe(true);
  });

  it.each([
    ["department", (userId: string) => h.sandbox.byHand.addDepartmentOperator(reception(), userId, "admin")],
    ["call center", (userId: string) => h.sandbox.byHand.addOperator(support(), userId, "admin")],
  ])("treats a %s admin as privileged", async (kind, makeAdmin) => {
    const email = `${kind.replace(" ", ".")}.admin@example.com`;
    const user = h.sandbox.byHand.createUser({ email, firstName: "Grace", lastName: "Group" });
    makeAdmin(user.id);
    const offboard = await finished(offboardAs(TICKETING, { email, retention_days: 0 }));
    expect(offboard.error?.code).toBe("privileged_user");
    expect(h.sandbox.state.user(user.id)?.state).toBe("active");
  });

  it("never deletes a Dialpad admin on a deletion nobody with admin stood behind", async () => {
    const email = "office.admin@example.com";
    expect((await finished(onboardAs(ADMIN, { email, admin_type: "office" }))).status).toBe("succeeded");
    const user = h.sandbox.state.userByEmail(email);
    // Suspended by hand, then approved by a client without admin: the record is due for deletion.
    h.sandbox.byHand.suspendUser(user?.id ?? "");
    const deleteAfter = "2020-01-01T00:00:00.000Z";
    await h.service.people.apply(email, {
      set: {
        state: "suspended",
        delete_after: deleteAfter,
        deletion_requires_approval: true,
        deletion_approved_at: deleteAfter,
        updated_at: deleteAfter,
      },
      history: { at: deleteAfter, action: "deletion_approved", source: "api", client: "approver" },
      historyId: "test#approved",
    });
    const { job } = await submitDeleteJob(
      { email, user_id: user?.id ?? "", delete_after: deleteAfter },
      h.service.submit,
    );
    const done = await h.waitForJob(job.job_id);
    expect(done.error?.code).toBe("privileged_user");
    expect(h.sandbox.state.user(user?.id ?? "")?.state).toBe("suspended");
  });
});

describe("identity", () => {
  it("fails identity_mismatch and changes nothing when email and user_id name different people", async () => {
    const alice = h.sandbox.byHand.createUser({ email: "alice.id@example.com" });
    const bob = h.sandbox.byHand.createUser({ email: "bob.id@example.com" });
    const done = await finished(offboardAs(TICKETING, { email: "alice.id@example.com", user_id: bob.id }));
    expect(done.error?.code).toBe("identity_mismatch");
    expect(h.sandbox.state.user(alice.id)?.state).toBe("active");
    expect(h.sandbox.state.user(bob.id)?.state).toBe("active");
    expect(await h.service.people.get("alice.id@example.com")).toBeUndefined();

    const same = await finished(offboardAs(TICKETING, { email: "bob.id@example.com", user_id: bob.id }));
    expect(same.status, JSON.stringify(same.steps)).toBe("succeeded");
  });
});

describe("unexpected errors", () => {
  it("show in the job as a generic internal error, never the SDK's message, and are logged with the job id", async () => {
    const done = await finished(onboardAs(TICKETING, { email: BROKEN_EMAIL }));
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("internal_error");
    const shown = JSON.stringify({ steps: done.steps, error: done.error });
    expect(shown).not.toMatch(/arn:|123456789012|AccessDenied|secretsmanager/);
    expect(done.steps.at(-1)?.detail).toMatch(/internal error/);
    const logged = unexpected.filter((entry) => entry.jobId === done.job_id);
    expect(logged.length).toBeGreaterThan(0);
    expect(String((logged[0]?.error as Error | undefined)?.message)).toContain(SECRET_ARN);
  });
});
