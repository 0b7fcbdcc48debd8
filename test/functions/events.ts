import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, SQSEvent } from 'aws-lambda';
import type { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, type TicketDraft } from '../../shared/domain';

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it, for handler tests. */
export function httpEvent(opts: {
  method: string;
  path: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  claims?: Record<string, unknown>;
}): APIGatewayProxyEventV2 & APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: opts.routeKey,
    rawPath: opts.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    pathParameters: opts.pathParameters,
    body: opts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: {
        method: opts.method,
        path: opts.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.1',
        userAgent: 'test',
      },
      requestId: 'req-1',
      routeKey: opts.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: opts.claims ?? {}, scopes: [] } },
    },
  } as APIGatewayProxyEventV2 & APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 's',
  getRemainingTimeInMillis: () => 5000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

/** One SQS message carrying `body` (JSON), as an SQS event source hands it to a function. */
export function sqsEvent(body: unknown, messageId = 'm-1', queue = 'notifications'): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: 'r',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 's',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:1:${queue}`,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/** A ticket opened from `draft` now (a random reference) and stored, as intake would store it. */
export async function storedTicket(repo: TicketRepository, draft: TicketDraft): Promise<Ticket> {
  const now = new Date();
  const opened = openTicket(draft, {
    config: workflowConfig,
    now,
    reference: `FD-${Math.floor(Math.random() * 1e6) + 1}`,
    newId: () => newId(now),
    actor: { kind: 'customer', id: 'x' },
  });
  if (!opened.ok) throw opened.error;
  await repo.create({ ...opened, dedupe: { channel: 'test', key: opened.ticket.id, expiresAt: 1 } });
  return opened.ticket;
}
