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
 * Blocked requests answer 429 in the product's error shape.
 */
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

export interface ApiFirewallProps {
  /** Requests one client (bearer token) may make in 5 minutes, offboarding not counted. */
  readonly requestsPerClientPer5Min: number;
  /** Requests one IP address may make in 5 minutes. */
  readonly requestsPerIpPer5Min: number;
}

const THROTTLED_BODY = "throttled";
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
    const block: CfnWebACL.RuleActionProperty = {
      block: { customResponse: { responseCode: 429, customResponseBodyKey: THROTTLED_BODY } },
    };
    const offboarding: CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: "ENDS_WITH",
        searchString: "/v1/offboard",
        textTransformations: [{ priority: 0, type: "NONE" }],
      },
    };

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
              customKeys: [
                { header: { name: "authorization", textTransformations: [{ priority: 0, type: "NONE" }] } },
              ],
              scopeDownStatement: { notStatement: { statement: offboarding } },
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
            },
          },
        },
      ],
    });
  }
}
