/**
 * The public HTTPS edge: an API Gateway REST API whose routes proxy to the API function behind a
 * Lambda TOKEN authorizer (client bearer tokens), plus the Dialpad webhook route, which carries no
 * bearer token because Dialpad signs each event as a JWT that the webhook function verifies.
 *
 * The authorizer's answer is cached per token for five minutes, so its policy must allow every route
 * of the API (the cached answer is reused on other routes) and pass the client's name and scopes in
 * its context; the API function enforces the scope of each route (403). API Gateway's own error
 * answers are rewritten into the product's error shape and codes so clients see one format.
 *
 * Every route comes from the one route table (functions/api/routes.ts). Bodies, query strings and
 * path parameters are validated by the API function alone, with the route's zod schemas: no
 * request validator or model at the edge, whose answers could not list the bad fields and used
 * another code (`invalid_request` where the function says `validation_failed`).
 */
import { Duration, Validations } from "aws-cdk-lib";
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from "aws-cdk-lib/aws-apigateway";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { CfnWebACLAssociation } from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { ROUTES } from "../../functions/api/routes";
import { GATEWAY_ANSWERS } from "../../shared/http/gateway-answers";
import { FUNCTION_MEMORY_MB, functionEntry } from "../function-entries";
import type { StackSettings } from "../stack-settings";
import { ApiFirewall } from "./api-firewall";
import { intakeEnvironment, lifecycleEnvironment, secretCacheEnvironment } from "./function-environment";
import { LifecycleFunction } from "./lifecycle-function";

/** How long API Gateway reuses an authorizer answer for the same token. */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(300);

/** API Gateway's own errors, in the product's error shape and codes (shared/http/gateway-answers.ts). */
export const GATEWAY_ERRORS = Object.entries(GATEWAY_ANSWERS).map(([type, answer]) => ({
  type: ResponseType.of(type),
  status: "status" in answer ? String(answer.status) : undefined,
  code: answer.code,
  message: answer.message,
}));

export interface ApiProps {
  readonly settings: StackSettings;
  readonly table: ITable;
  readonly urgentQueue: IQueue;
  readonly bulkQueue: IQueue;
  readonly webhookSecret: ISecret;
  readonly clientTokensSecret: ISecret;
}

export class Api extends Construct {
  readonly restApi: RestApi;
  readonly apiFunction: LifecycleFunction;
  readonly authorizerFunction: LifecycleFunction;
  readonly webhookFunction: LifecycleFunction;
  readonly accessLogs: LogGroup;
  /** `https://…/<stage>/v1/`: the base every client route hangs off. */
  readonly baseUrl: string;
  readonly webhookUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { settings } = props;
    const common = { tracing: settings.xrayTracing, logLevel: settings.logLevel };

    this.apiFunction = new LifecycleFunction(this, "ApiHandler", {
      ...common,
      entry: functionEntry("api"),
      memorySize: FUNCTION_MEMORY_MB.api,
      description:
        "REST API: accepts onboard/offboard requests, answers job, user, office and reconcile queries",
      timeout: Duration.seconds(15),
      environment: {
        ...lifecycleEnvironment(settings),
        ...intakeEnvironment(settings),
      },
    })
      // Jobs, request keys, people and their history, reports: read, create, update; never delete or scan.
      .bindTable(props.table, ["get", "query", "put", "update"])
      .bindQueue(props.urgentQueue, "URGENT_QUEUE_URL", "send")
      // Bulk: imports, reconciliations, and the office refreshes GET /v1/offices asks the worker for.
      .bindQueue(props.bulkQueue, "BULK_QUEUE_URL", "send");
    // No secret here: this function faces the internet; GET /v1/offices answers from the table.

    this.authorizerFunction = new LifecycleFunction(this, "Authorizer", {
      ...common,
      entry: functionEntry("authorizer"),
      description: "Lambda authorizer: checks client bearer tokens against the client-tokens secret",
      timeout: Duration.seconds(5),
      memorySize: FUNCTION_MEMORY_MB.authorizer,
      environment: secretCacheEnvironment(settings),
    }).bindSecret(props.clientTokensSecret, "CLIENT_TOKENS_SECRET_ARN");

    this.webhookFunction = new LifecycleFunction(this, "Webhook", {
      ...common,
      entry: functionEntry("webhook"),
      memorySize: FUNCTION_MEMORY_MB.webhook,
      description: "Dialpad webhook receiver: verifies the JWT signature, applies the event to our records",
      timeout: Duration.seconds(15),
      environment: secretCacheEnvironment(settings),
    })
      .bindSecret(props.webhookSecret, "WEBHOOK_SECRET_ARN")
      // Only the event log: claim an event (put), mark it handled (update).
      .bindTable(props.table, ["put", "update"])
      .bindQueue(props.urgentQueue, "URGENT_QUEUE_URL", "send");

    this.accessLogs = new LogGroup(this, "AccessLogs", { retention: RetentionDays.THREE_MONTHS });
    this.restApi = new RestApi(this, "RestApi", {
      description: "dialpad-lifecycle: Dialpad onboarding/offboarding API",
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: settings.stage,
        throttlingRateLimit: settings.apiThrottleRateLimit,
        throttlingBurstLimit: settings.apiThrottleBurstLimit,
        tracingEnabled: settings.xrayTracing,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: accessLogFormat(),
        // SCIM's methods have their own bucket: an IdP's full sync neither starves nor is starved by /v1.
        methodOptions: Object.fromEntries(
          ROUTES.filter((route) => route.wire === "scim").map((route) => [
            `${route.path}/${route.method}`,
            {
              throttlingRateLimit: settings.scimThrottleRateLimit,
              throttlingBurstLimit: settings.scimThrottleBurstLimit,
            },
          ]),
        ),
      },
    });
    for (const error of GATEWAY_ERRORS) {
      this.restApi.addGatewayResponse(`Error${error.type.responseType}`, {
        type: error.type,
        statusCode: error.status,
        templates: {
          "application/json": JSON.stringify({ error: { code: error.code, message: error.message } }),
        },
      });
    }

    const authorizer = new TokenAuthorizer(this, "TokenAuthorizer", {
      handler: this.authorizerFunction,
      identitySource: "method.request.header.Authorization",
      // Malformed headers are refused by API Gateway (401) without invoking the function.
      validationRegex: "^Bearer [A-Za-z0-9._~+/=-]+$",
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });

    // SCIM's routes: the same function as a REQUEST authorizer with no identity source, so API
    // Gateway calls it for every request (a token-less one too) and never caches it; a refused
    // token is let through without a client and the API function answers 401 in SCIM's shape.
    const scimAuthorizer = new RequestAuthorizer(this, "ScimAuthorizer", {
      handler: this.authorizerFunction,
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    // One integration per function (and so one invoke permission each) instead of one per method.
    const integrations = {
      api: new LambdaIntegration(this.apiFunction, { scopePermissionToMethod: false }),
      webhook: new LambdaIntegration(this.webhookFunction, { scopePermissionToMethod: false }),
    };
    for (const route of ROUTES) {
      const resource = this.restApi.root.resourceForPath(route.path);
      if (route.scope !== undefined) {
        resource.addMethod(route.method, integrations[route.fn], {
          authorizer: route.wire === "scim" ? scimAuthorizer : authorizer,
          authorizationType: AuthorizationType.CUSTOM,
          operationName: route.name,
        });
        continue;
      }
      const method = resource.addMethod(route.method, integrations[route.fn], {
        authorizationType: AuthorizationType.NONE,
        operationName: route.name,
      });
      Validations.of(method).acknowledge(
        { id: "AwsSolutions-APIG4", reason: route.open },
        { id: "AwsSolutions-COG4", reason: route.open },
      );
    }

    Validations.of(this.restApi).acknowledge(
      {
        id: "AwsSolutions-APIG2",
        reason:
          "Requests are validated by the API function with each route's schema, answering 400 with every bad field; an edge validator could only answer a generic error in another code.",
      },
      {
        id: "AwsSolutions-COG4",
        reason:
          "Callers are ticketing systems holding per-client bearer tokens (product contract), checked by the Lambda authorizer; there is no Cognito user pool.",
      },
      {
        id: "AwsSolutions-APIG6",
        reason:
          "Execution logging needs the account-wide API Gateway CloudWatch role, which this stack does not own; structured access logs are on for the stage.",
      },
    );

    // Our own web ACL (per-client and per-IP rate rules) unless the account's is given, or WAF is off.
    const webAclArn =
      settings.wafWebAclArn ??
      (settings.waf
        ? new ApiFirewall(this, "Firewall", {
            requestsPerClientPer5Min: settings.wafRequestsPerClientPer5Min,
            requestsPerIpPer5Min: settings.wafRequestsPerIpPer5Min,
            scimRequestsPer5Min: settings.wafScimRequestsPer5Min,
          }).webAcl.attrArn
        : undefined);
    if (webAclArn) {
      new CfnWebACLAssociation(this, "WafAssociation", {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn,
      });
    } else {
      Validations.of(this.restApi).acknowledge({
        id: "AwsSolutions-APIG3",
        reason:
          "WAF was turned off through the waf context (waf=false); stage throttling and the authorizer still guard the API.",
      });
    }

    this.baseUrl = this.restApi.urlForPath("/v1");
    this.webhookUrl = this.restApi.urlForPath("/v1/webhooks/dialpad");
  }
}

function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      ip: AccessLogField.contextIdentitySourceIp(),
      requestTime: AccessLogField.contextRequestTime(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      client: AccessLogField.contextAuthorizerPrincipalId(),
      authorizerError: AccessLogField.contextAuthorizeError(),
      errorType: AccessLogField.contextErrorResponseType(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
    }),
  );
}
