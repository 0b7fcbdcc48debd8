import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per function. Never log message bodies or requester addresses (PII). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'frontdoor' });
