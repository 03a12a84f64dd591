/**
 * The API's web ACL (WAFv2, regional), on by default: per-client throttling at the edge, before a
 * request counts against the stage's shared throttle, so one noisy client cannot starve the others.
 *
 * - ClientRate: a rate-based rule keyed on the `Authorization` header, i.e. on the client's bearer
 *   token (each client has its own). Offboarding is exempt: a client blocked for flooding onboards
 *   can still offboard (it is urgent, and the worker gives it its own queue and budget share).
 *   This stands in for API Gateway usage plans: those need an API key per client sent in a second
 *   header or mapped by the authorizer, a second credential to create, rotate and keep in step
 *   with the client registry, while the token already names the client. Its sampled requests are
 *   off: a sample shows the request's headers, and this one is a live bearer token (metrics stay).
 * - IpRate: a per-IP flood guard for every route, the open ones (webhook, health) included.
 * - ScimClientRate, ScimIpRate: the same for SCIM's routes (`/scim/v2/`, left out of the two
 *   above), with their own, higher limit: an identity provider needs at least 25 requests/s
 *   (Microsoft Entra's gallery requirement), and its requests answer from our table without
 *   touching Dialpad's budget.
 * Blocked requests answer 429 in the product's error shape (SCIM's shape on SCIM's routes).
 */
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

export interface ApiFirewallProps {
  /** Requests one client (bearer token) may make in 5 minutes, offboarding not counted. */
  readonly requestsPerClientPer5Min: number;
  /** Requests one IP address may make in 5 minutes. */
  readonly requestsPerIpPer5Min: number;
  /** Requests one SCIM client (bearer token), or one IP address, may make to /scim/v2 in 5 minutes. */
  readonly scimRequestsPer5Min: number;
}

const THROTTLED_BODY = "throttled";
const SCIM_THROTTLED_BODY = "scim_throttled";
const EVALUATION_WINDOW_SECONDS = 300;

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (
      metricName: string,
      sampled: "sampled" | "not sampled" = "sampled",
    ): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: sampled === "sampled",
    });
    const blockWith = (body: string): CfnWebACL.RuleActionProperty => ({
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: body,
          // WAF's counting window is 5 minutes; a minute is a fair first wait.
          responseHeaders: [{ name: "retry-after", value: "60" }],
        },
      },
    });
    const block = blockWith(THROTTLED_BODY);
    const offboarding: CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: "ENDS_WITH",
        searchString: "/v1/offboard",
        textTransformations: [{ priority: 0, type: "NONE" }],
      },
    };
    // The stage name comes first in the path (`/prod/scim/v2/Users`).
    const scim: CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: "CONTAINS",
        searchString: "/scim/v2/",
        textTransformations: [{ priority: 0, type: "NONE" }],
      },
    };
    const notScim: CfnWebACL.StatementProperty = { notStatement: { statement: scim } };
    const byToken: CfnWebACL.RateBasedStatementProperty["customKeys"] = [
      { header: { name: "authorization", textTransformations: [{ priority: 0, type: "NONE" }] } },
    ];

    this.webAcl = new CfnWebACL(this, "WebAcl", {
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("DialpadLifecycleApi"),
      customResponseBodies: {
        [THROTTLED_BODY]: {
          contentType: "APPLICATION_JSON",
          content: JSON.stringify({
            error: { code: "throttled", message: "Too many requests from this client; retry later." },
          }),
        },
        [SCIM_THROTTLED_BODY]: {
          contentType: "APPLICATION_JSON",
          content: JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            status: "429",
            detail: "Too many requests from this client; retry later.",
          }),
        },
      },
      rules: [
        {
          name: "ClientRate",
          priority: 0,
          action: block,
          visibilityConfig: visibility("ClientRate", "not sampled"),
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerClientPer5Min,
              evaluationWindowSec: EVALUATION_WINDOW_SECONDS,
              aggregateKeyType: "CUSTOM_KEYS",
              customKeys: byToken,
              scopeDownStatement: {
                notStatement: { statement: { orStatement: { statements: [offboarding, scim] } } },
              },
            },
          },
        },
        {
          name: "IpRate",
          priority: 1,
          action: block,
          visibilityConfig: visibility("IpRate"),
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerIpPer5Min,
              evaluationWindowSec: EVALUATION_WINDOW_SECONDS,
              aggregateKeyType: "IP",
              scopeDownStatement: notScim,
            },
          },
        },
        {
          name: "ScimClientRate",
          priority: 2,
          action: blockWith(SCIM_THROTTLED_BODY),
          visibilityConfig: visibility("ScimClientRate", "not sampled"),
          statement: {
            rateBasedStatement: {
              limit: props.scimRequestsPer5Min,
              evaluationWindowSec: EVALUATION_WINDOW_SECONDS,
              aggregateKeyType: "CUSTOM_KEYS",
              customKeys: byToken,
              scopeDownStatement: scim,
            },
          },
        },
        {
          name: "ScimIpRate",
          priority: 3,
          action: blockWith(SCIM_THROTTLED_BODY),
          visibilityConfig: visibility("ScimIpRate"),
          statement: {
            rateBasedStatement: {
              limit: props.scimRequestsPer5Min,
              evaluationWindowSec: EVALUATION_WINDOW_SECONDS,
              aggregateKeyType: "IP",
              scopeDownStatement: scim,
            },
          },
        },
      ],
    });
  }
}
