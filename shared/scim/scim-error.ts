/**
 * SCIM's refusals (RFC 7644 §3.12): `ScimError` carries the status, the `scimType` SCIM names for
 * 400s and 409s, and a `detail` for people; `scimErrorBody` is the body every IdP parses: `schemas`
 * the error URN, `status` as a STRING (Okta and Entra reject a number), `scimType` when there is one.
 */

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** RFC 7644 table 9. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export class ScimError extends Error {
  override name = "ScimError";
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimErrorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}

/** A 400 with its `scimType`, the common case of the wire modules. */
export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
