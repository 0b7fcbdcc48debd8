/**
 * The runtime's one HTTP server, standing in for API Gateway and for the AWS endpoints the handlers call.
 * A request goes to the first that takes it: the runtime's own endpoints (local-routes.ts), the AWS JSON
 * protocol (EventBridge PutEvents, Step Functions, by `x-amz-target`), then the topology's API routes —
 * behind the JWT authorizer where the route asks for one — and otherwise 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import { apiGatewayRequests, billingMeter } from '../../shared/adapters/billing-meter';
import { httpRoutes } from '../../shared/topology';
import { DEV_AUDIENCE, DEV_ISSUER, type DevIssuer } from './dev-issuer';
import { compileRoute, fromLambdaResult, type LocalRoute, toApiGatewayEvent } from './gateway';
import { readBody, send } from './http-io';
import type { RuntimeServices } from './lifecycle';
import { API_GATEWAY_MAX_BODY, findLocalRoute, type LocalRequest, localRoutes } from './local-routes';

/** What API Gateway's JWT authorizer does locally: tokens of the dev issuer, keys cached up front. */
function devTokenVerifier(url: string, issuer: DevIssuer) {
  const verifier = JwtVerifier.create({
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    jwksUri: `${url}/local/auth/jwks.json`,
  });
  verifier.cacheJwks(issuer.jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return verifier;
}

type Verifier = ReturnType<typeof devTokenVerifier>;

export function createLocalServer(s: RuntimeServices): Server {
  const routes = localRoutes(s);
  const apiRoutes = httpRoutes().map(({ fn, trigger }) => compileRoute(fn, trigger));
  const verifier = devTokenVerifier(s.url, s.issuer);

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', s.url);
    const method = req.method ?? 'GET';
    const route = findLocalRoute(routes, method, url.pathname);
    const body = await readBody(req, route?.maxBodyBytes ?? API_GATEWAY_MAX_BODY);
    if (body === 'too_large') return send(res, 413, { message: 'Request Entity Too Large' });
    const request: LocalRequest = { req, res, url, method, body };
    if (route) return route.handle(request);
    const target = req.headers['x-amz-target'];
    if (method === 'POST' && typeof target === 'string') {
      if (target.startsWith('AWSEvents.')) return serveEventBridge(s, res, target, body);
      if (target.startsWith('AWSStepFunctions.')) {
        const out = s.stepFunctions.serve(target, body.toString('utf8'));
        return send(res, out.status, out.body, { 'content-type': 'application/x-amz-json-1.0' });
      }
    }
    for (const apiRoute of apiRoutes) {
      const params = apiRoute.match(method, url.pathname);
      if (params) return serveApiRoute(s, verifier, apiRoute, params, request);
    }
    return send(res, 404, { message: 'Not Found' });
  };

  return createServer((req, res) => {
    void serve(req, res).catch((e: unknown) => {
      s.log(`local gateway error: ${e instanceof Error ? e.stack : String(e)}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      else res.end();
    });
  });
}

/** EventBridge PutEvents (AWS JSON 1.1) onto the local bus; no other operation is served. */
function serveEventBridge(s: RuntimeServices, res: ServerResponse, target: string, body: Buffer): void {
  if (target !== 'AWSEvents.PutEvents') {
    send(res, 400, { __type: 'UnknownOperationException', message: `${target} is not served locally` });
    return;
  }
  const input = JSON.parse(body.toString('utf8')) as { Entries?: Array<Record<string, string>> };
  const ids = s.bus.put(input.Entries ?? []);
  send(
    res,
    200,
    { FailedEntryCount: 0, Entries: ids.map((EventId) => ({ EventId })) },
    { 'content-type': 'application/x-amz-json-1.1' },
  );
}

/** One API route as API Gateway serves it: the authorizer first, then the function's answer as HTTP. */
async function serveApiRoute(
  s: RuntimeServices,
  verifier: Verifier,
  route: LocalRoute,
  params: Record<string, string>,
  { req, res, url, body }: LocalRequest,
): Promise<void> {
  let claims: Record<string, unknown> | undefined;
  if (route.trigger.auth === 'jwt') {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    try {
      if (!token) throw new Error('no bearer token');
      claims = (await verifier.verify(token)) as Record<string, unknown>;
    } catch {
      // API Gateway's JWT authorizer answers exactly this, before the function runs.
      return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    }
  }
  billingMeter.add('apiGateway.requests', apiGatewayRequests(body.length));
  const event = toApiGatewayEvent({ req, url, body, route, pathParameters: params, claims });
  let result: unknown;
  try {
    result = await s.invoke(route.fn, event);
  } catch (e: unknown) {
    s.log(`${route.fn.name} failed: ${e instanceof Error ? e.stack : String(e)}`);
    return send(res, 500, { message: 'Internal Server Error' });
  }
  const out = fromLambdaResult(result);
  res.writeHead(out.statusCode, out.headers);
  res.end(out.body);
}
