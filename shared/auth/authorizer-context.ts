/**
 * The principal as it travels from the Lambda authorizer to the API function. API Gateway allows
 * only flat string/number/boolean context values, so scopes travel comma-separated:
 * `{client: "servicenow", scopes: "onboard,read"}`.
 */
import { z } from "zod";
import { NotAuthenticated } from "../errors/domain-errors";
import { type Principal, SCOPES } from "./scopes";

export interface AuthorizerContext {
  [key: string]: string;
  client: string;
  scopes: string;
}

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  return { client: principal.client, scopes: principal.scopes.join(",") };
}

const authorizerContext = z.looseObject({
  client: z.string().min(1),
  scopes: z
    .string()
    .transform((list) => list.split(",").filter((scope) => scope !== ""))
    .pipe(z.array(z.enum(SCOPES))),
});

/**
 * Reads `event.requestContext.authorizer`. Missing or malformed means the route was reached
 * without our authorizer (a deployment mistake): refuse with 401 rather than serve anonymously.
 */
export function principalFromAuthorizerContext(authorizer: unknown): Principal {
  const result = authorizerContext.safeParse(authorizer);
  if (!result.success) throw new NotAuthenticated();
  return { client: result.data.client, scopes: result.data.scopes };
}
