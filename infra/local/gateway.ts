import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { FunctionSpec, HttpTrigger } from '../../shared/topology';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalRoute {
  readonly fn: FunctionSpec;
  readonly trigger: HttpTrigger;
  readonly routeKey: string;
  match(method: string, path: string): Record<string, string> | undefined;
}

/** `/v1/tickets/{id}` → a matcher with path parameters, as API Gateway routes them. */
export function compileRoute(fn: FunctionSpec, trigger: HttpTrigger): LocalRoute {
  const names: string[] = [];
  const source = trigger.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${source}$`);
  return {
    fn,
    trigger,
    routeKey: `${trigger.method} ${trigger.path}`,
    match(method, path) {
      if (method !== trigger.method) return undefined;
      const m = regex.exec(path);
      if (!m) return undefined;
      return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    },
  };
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml|.*\+json)|text\/)/i;

/** An HTTP request as an API Gateway HTTP API (payload format 2.0) event, as Lambda receives it. */
export function toApiGatewayEvent(input: {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  route: LocalRoute;
  pathParameters: Record<string, string>;
  claims?: Record<string, unknown>;
}): APIGatewayProxyEventV2 {
  const { req, url, body, route, pathParameters, claims } = input;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies.length ? { cookies } : {}),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    isBase64Encoded: !isText,
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
  };
  return event;
}

export function lambdaContext(fn: FunctionSpec, requestId: string): Context {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Lambda's answer as API Gateway (payload 2.0) turns it into an HTTP response. */
export function fromLambdaResult(result: unknown): GatewayResponse {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as {
          statusCode: number;
          headers?: Record<string, unknown>;
          body?: string;
          isBase64Encoded?: boolean;
        })
      : undefined;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers = Object.fromEntries(
    Object.entries(structured.headers ?? {}).map(([k, v]) => [k, String(v)]),
  );
  const body = Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: structured.statusCode, headers, body };
}
