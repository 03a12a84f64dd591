/**
 * The principal as it travels from the Lambda authorizer to the API function. API Gateway allows
 * only flat string/number/boolean context values, so scopes travel comma-separated:
 * `{client: "servicenow", scopes: "onboard,read"}`, and a registry entry's mass-change limit as
 * `mass_offboard_limit: "10"` when it sets one.
 */
import * as z from "zod";
import { NotAuthenticated } from "../errors/domain-errors";
import { type Principal, SCOPES } from "./scopes";

export interface AuthorizerContext {
  [key: string]: string;
  client: string;
  scopes: string;
}

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  return {
    client: principal.client,
    scopes: principal.scopes.join(","),
    ...(principal.massOffboardLimit === undefined
      ? {}
      : { mass_offboard_limit: String(principal.massOffboardLimit) }),
  };
}

const authorizerContext = z.looseObject({
  client: z.string().min(1),
  scopes: z
    .string()
    .transform((list) => list.split(",").filter((scope) => scope !== ""))
    .pipe(z.array(z.enum(SCOPES))),
  mass_offboard_limit: z.coerce.number().int().min(0).optional(),
});

/**
 * Reads `event.requestContext.authorizer`. Missing or malformed means the route was reached
 * without our authorizer (a deployment mistake): refuse with 401 rather than serve anonymously.
 */
export function principalFromAuthorizerContext(authorizer: unknown): Principal {
  const result = authorizerContext.safeParse(authorizer);
  if (!result.success) throw new NotAuthenticated();
  const { client, scopes, mass_offboard_limit } = result.data;
  return {
    client,
    scopes,
    ...(mass_offboard_limit === undefined ? {} : { massOffboardLimit: mass_offboard_limit }),
  };
}
