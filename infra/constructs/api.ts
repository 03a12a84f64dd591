/**
 * The public HTTPS edge: an API Gateway REST API whose routes proxy to the API function behind a
 * Lambda TOKEN authorizer (client bearer tokens), plus the Dialpad webhook route, which carries no
 * bearer token because Dialpad signs each event as a JWT that the webhook function verifies.
 *
 * The authorizer's answer is cached per token for five minutes, so its policy must allow every route
 * of the API (the cached answer is reused on other routes) and pass the client's name and scopes in
 * its context; the API function enforces the scope of each route (403). API Gateway's own error
 * answers are rewritten into the product's error shape so clients see one format.
 */
import { Duration, Validations } from "aws-cdk-lib";
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  type Model,
  type RequestValidator,
  type Resource,
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
import { functionEntry } from "../function-entries";
import type { StackSettings } from "../stack-settings";
import { lifecycleEnvironment, secretCacheEnvironment } from "./function-environment";
import { LifecycleFunction } from "./lifecycle-function";

/** How long API Gateway reuses an authorizer answer for the same token. */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(300);

/** API Gateway's own errors, in the product's `{"error":{"code","message"}}` shape. */
export const GATEWAY_ERRORS: ReadonlyArray<{
  type: ResponseType;
  status?: string;
  code: string;
  message: string;
}> = [
  {
    type: ResponseType.UNAUTHORIZED,
    status: "401",
    code: "unauthorized",
    message: "Missing or invalid bearer token.",
  },
  {
    type: ResponseType.ACCESS_DENIED,
    status: "403",
    code: "forbidden",
    message: "This client may not call this route.",
  },
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: "404",
    code: "not_found",
    message: "No such route.",
  },
  {
    type: ResponseType.THROTTLED,
    status: "429",
    code: "throttled",
    message: "Too many requests; retry later.",
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: "413",
    code: "payload_too_large",
    message: "Request body too large.",
  },
  {
    type: ResponseType.BAD_REQUEST_BODY,
    status: "400",
    code: "invalid_request",
    message: "Request body must be a JSON object.",
  },
  {
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    status: "415",
    code: "unsupported_media_type",
    message: "Send application/json.",
  },
  { type: ResponseType.WAF_FILTERED, status: "403", code: "forbidden", message: "Request blocked." },
  { type: ResponseType.DEFAULT_5XX, code: "internal_error", message: "Internal error." },
];

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
      description: "REST API: accepts onboard/offboard requests, answers job, user and reconcile queries",
      timeout: Duration.seconds(15),
      environment: lifecycleEnvironment(settings),
    })
      .bindTable(props.table, "readWrite")
      .bindQueue(props.urgentQueue, "URGENT_QUEUE_URL", "send")
      .bindQueue(props.bulkQueue, "BULK_QUEUE_URL", "send");

    this.authorizerFunction = new LifecycleFunction(this, "Authorizer", {
      ...common,
      entry: functionEntry("authorizer"),
      description: "Lambda authorizer: checks client bearer tokens against the client-tokens secret",
      timeout: Duration.seconds(5),
      memorySize: 256,
      environment: secretCacheEnvironment(settings),
    }).bindSecret(props.clientTokensSecret, "CLIENT_TOKENS_SECRET_ARN");

    this.webhookFunction = new LifecycleFunction(this, "Webhook", {
      ...common,
      entry: functionEntry("webhook"),
      description: "Dialpad webhook receiver: verifies the JWT signature, applies the event to our records",
      timeout: Duration.seconds(15),
      environment: secretCacheEnvironment(settings),
    })
      .bindSecret(props.webhookSecret, "WEBHOOK_SECRET_ARN")
      .bindTable(props.table, "readWrite")
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
    // Bodies are validated field by field by the API function (zod, with per-field details the
    // contract requires); the edge only refuses what is not a JSON object, and checks path parameters.
    const validator = this.restApi.addRequestValidator("Validator", {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jsonObject = this.restApi.addModel("JsonObject", {
      contentType: "application/json",
      schema: { schema: JsonSchemaVersion.DRAFT4, title: "JsonObject", type: JsonSchemaType.OBJECT },
    });

    // One integration (and so one invoke permission for the whole API) instead of one per method.
    const apiIntegration = new LambdaIntegration(this.apiFunction, { scopePermissionToMethod: false });
    const route = new RouteBuilder(apiIntegration, authorizer, validator, jsonObject);
    const v1 = this.restApi.root.addResource("v1");
    route.authorized(v1.addResource("onboard"), "POST", { jsonBody: true });
    route.authorized(v1.addResource("offboard"), "POST", { jsonBody: true });
    route.authorized(v1.addResource("jobs").addResource("{job_id}"), "GET");
    const user = v1.addResource("users").addResource("{email}");
    route.authorized(user, "GET");
    route.authorized(user.addResource("approve-deletion"), "POST");
    const reconcile = v1.addResource("reconcile");
    route.authorized(reconcile, "POST");
    route.authorized(reconcile.addResource("{report_id}"), "GET");

    const health = route.open(v1.addResource("health"), "GET", apiIntegration);
    Validations.of(health).acknowledge(
      {
        id: "AwsSolutions-APIG4",
        reason: "Liveness probe, open by the product contract; it reveals nothing.",
      },
      {
        id: "AwsSolutions-COG4",
        reason: "Liveness probe, open by the product contract; it reveals nothing.",
      },
    );
    const webhook = route.open(
      v1.addResource("webhooks").addResource("dialpad"),
      "POST",
      new LambdaIntegration(this.webhookFunction, { scopePermissionToMethod: false }),
    );
    Validations.of(webhook).acknowledge(
      {
        id: "AwsSolutions-APIG4",
        reason:
          "Dialpad cannot send a bearer token: each event is an HS256 JWT whose signature the webhook function verifies against the webhook secret.",
      },
      {
        id: "AwsSolutions-COG4",
        reason:
          "Dialpad cannot send a bearer token: each event is an HS256 JWT whose signature the webhook function verifies against the webhook secret.",
      },
    );
    Validations.of(this.restApi).acknowledge(
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

    if (settings.wafWebAclArn) {
      new CfnWebACLAssociation(this, "WafAssociation", {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn: settings.wafWebAclArn,
      });
    } else {
      Validations.of(this.restApi).acknowledge({
        id: "AwsSolutions-APIG3",
        reason:
          "WAF is opt-in through the wafWebAclArn context (an account's web ACL is shared and billed per ACL); stage throttling and the authorizer guard the API without it.",
      });
    }

    this.baseUrl = this.restApi.urlForPath("/v1");
    this.webhookUrl = this.restApi.urlForPath("/v1/webhooks/dialpad");
  }
}

/** Adds methods with the route conventions above, so each route is one line. */
class RouteBuilder {
  constructor(
    private readonly apiIntegration: LambdaIntegration,
    private readonly authorizer: TokenAuthorizer,
    private readonly validator: RequestValidator,
    private readonly jsonObject: Model,
  ) {}

  authorized(resource: Resource, httpMethod: string, options: { jsonBody?: boolean } = {}): Method {
    return resource.addMethod(httpMethod, this.apiIntegration, {
      authorizer: this.authorizer,
      authorizationType: AuthorizationType.CUSTOM,
      requestValidator: this.validator,
      requestParameters: pathParameters(resource),
      requestModels: options.jsonBody ? { "application/json": this.jsonObject } : undefined,
    });
  }

  open(resource: Resource, httpMethod: string, integration: LambdaIntegration): Method {
    return resource.addMethod(httpMethod, integration, { authorizationType: AuthorizationType.NONE });
  }
}

/** `method.request.path.<name>: true` for every `{name}` in the resource's path. */
function pathParameters(resource: Resource): Record<string, boolean> | undefined {
  const names = [...resource.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
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
