/**
 * The onboarding request tests submit when they care only about some fields: the rest are filled
 * with valid defaults (office "HQ" unless an office id is given).
 */
import type { OnboardRequest } from "../../shared/lifecycle/model";

export const sampleOnboardRequest = (
  request: Partial<OnboardRequest> & { email: string },
): OnboardRequest => ({
  first_name: "Ada",
  last_name: "Lovelace",
  license: "talk",
  admin_type: "none",
  call_center_ids: [],
  ...(request.office_id ? {} : { office_name: "HQ" }),
  ...request,
});
