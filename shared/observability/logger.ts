/**
 * The Powertools logger factory: structured JSON logs with the service name every function shares.
 * The log level comes from LOG_LEVEL (set by the stack); callers add job id, kind, client and ticket
 * with `appendKeys`, never API keys, webhook secrets or tokens.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SERVICE_NAME } from "./metric-names";

export function createLogger(options: { component?: string } = {}): Logger {
  return new Logger({
    serviceName: SERVICE_NAME,
    persistentKeys: options.component ? { component: options.component } : {},
  });
}
