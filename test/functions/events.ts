import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

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
