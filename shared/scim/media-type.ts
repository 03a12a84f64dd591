/**
 * SCIM's media types (RFC 7644 §3.1, §8.1): requests come as `application/scim+json` or, from
 * Google Workspace and others, `application/json` (parameters such as `charset=utf-8` allowed);
 * every answer is `application/scim+json`.
 */

export const SCIM_CONTENT_TYPE = "application/scim+json";

const ACCEPTED = new Set(["application/scim+json", "application/json"]);

/** Whether a request body of this `content-type` is read as SCIM JSON (no header: read as JSON). */
export function isScimRequestType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === "") return true;
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return ACCEPTED.has(essence);
}
