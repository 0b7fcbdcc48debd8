/**
 * The local runtime's own endpoints, one row each: the AWS stand-ins the handlers' SDK clients call
 * (`/local/scheduler/*`, `/local/s3/*`, `/local/ses/…`), what developers and tests look at or control
 * (`/local/events`, `/local/outbox`, `/local/clock`, `/local/drain`, …), the dev login and `/app/`.
 * Everything else goes to the AWS JSON protocol or the API routes (local-server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { billingMeter, sesRecipients } from '../../shared/adapters/billing-meter';
import * as z from '../../shared/domain/zod';
import { stateMachines } from '../../shared/topology';
import { serveAgentUi } from './agent-ui';
import { send } from './http-io';
import type { RuntimeServices } from './lifecycle';
import { redriveLocally } from './redrive';
import type { VirtualClock } from './virtual-clock';

/** API Gateway HTTP APIs refuse request bodies over 10 MB before any function runs. */
export const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
/** The local S3 stand-in takes attachments up to SES's 40 MB (and then some). */
const S3_MAX_BODY = 64 * 1024 * 1024;

export interface LocalRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly body: Buffer;
}

export interface LocalEndpoint {
  /** `*`: any method (the stand-in behind the path answers for itself). */
  readonly method: 'GET' | 'POST' | '*';
  /** An exact path, or a prefix ending in `/*` whose rest the stand-in behind it routes. */
  readonly path: string;
  /** The largest request body taken; the API Gateway limit unless said otherwise. */
  readonly maxBodyBytes?: number;
  readonly handle: (request: LocalRequest) => void | Promise<void>;
}

/** The table: method, path, handler. */
export function localRoutes(s: RuntimeServices): readonly LocalEndpoint[] {
  return [
    { method: '*', path: '/local/scheduler/*', handle: (r) => schedulerApi(s, r) },
    { method: 'GET', path: '/local/schedules', handle: ({ res }) => send(res, 200, s.scheduler.pending()) },
    { method: '*', path: '/local/s3/*', maxBodyBytes: S3_MAX_BODY, handle: (r) => s3Api(s, r) },
    { method: 'POST', path: '/local/ses/v2/email/outbound-emails', handle: (r) => sendEmail(s, r) },
    { method: 'GET', path: '/local/outbox', handle: ({ res }) => send(res, 200, s.outbox.list()) },
    { method: 'GET', path: '/local/outbox.html', handle: ({ res }) => outboxPage(s, res) },
    // An erasure reaches the outbox too (the local stand-in for mail already sent; AWS keeps no copy).
    { method: 'POST', path: '/local/outbox/forget', handle: (r) => forgetInOutbox(s, r) },
    { method: 'GET', path: '/local/dead-letters', handle: ({ res }) => send(res, 200, deadLetters(s)) },
    { method: 'POST', path: '/local/redrive', handle: (r) => redrive(s, r) },
    { method: 'POST', path: '/local/drain', handle: (r) => drain(s, r) },
    // The billable operations counted since start or the last reset (`npm run cost` prices them).
    { method: 'GET', path: '/local/costs', handle: ({ res }) => send(res, 200, billingMeter.snapshot()) },
    { method: 'POST', path: '/local/costs/reset', handle: ({ res }) => resetCosts(res) },
    { method: 'GET', path: '/local/clock', handle: ({ res }) => send(res, 200, s.clock.state()) },
    { method: 'POST', path: '/local/clock', handle: (r) => setClock(s, r) },
    { method: 'GET', path: '/local/executions', handle: ({ res }) => send(res, 200, executions(s)) },
    { method: 'GET', path: '/local/events', handle: ({ res }) => send(res, 200, recentEvents(s)) },
    { method: 'GET', path: '/health', handle: ({ res }) => health(s, res) },
    { method: 'GET', path: '/local/auth/jwks.json', handle: ({ res }) => send(res, 200, s.issuer.jwks) },
    { method: 'POST', path: '/local/auth/token', handle: (r) => devToken(s, r) },
    { method: '*', path: '/app', handle: (r) => agentUi(s, r) },
    { method: '*', path: '/app/*', handle: (r) => agentUi(s, r) },
  ];
}

/** The row for a request, if the runtime serves it itself. */
export function findLocalRoute(
  routes: readonly LocalEndpoint[],
  method: string,
  pathname: string,
): LocalEndpoint | undefined {
  return routes.find(
    (route) =>
      (route.method === '*' || route.method === method) &&
      (route.path.endsWith('/*') ? pathname.startsWith(route.path.slice(0, -1)) : pathname === route.path),
  );
}

/** EventBridge Scheduler's REST API (the tickets' wake-ups), served by the stand-in in ./scheduler.ts. */
function schedulerApi(s: RuntimeServices, { res, url, method, body }: LocalRequest): void {
  const out = s.scheduler.serve(
    method,
    url.pathname.slice('/local/scheduler'.length),
    url.searchParams,
    body.toString('utf8'),
  );
  send(res, out.status, out.body, out.headers);
}

/** S3's REST API on the object store (inbound mail and attachments). */
function s3Api(s: RuntimeServices, { req, res, url, method, body }: LocalRequest): Promise<void> | void {
  // S3 bills GET/HEAD at the read rate, PUT/POST/LIST at the write rate; DELETE is free.
  if (method !== 'DELETE')
    billingMeter.add(method === 'GET' || method === 'HEAD' ? 's3.readRequests' : 's3.writeRequests');
  return s.objects.serve(
    method,
    url.pathname.slice('/local/s3/'.length),
    body,
    req.headers,
    res,
    url.searchParams,
  );
}

const RedactionBody = z.object({
  email: z.string().check(z.minLength(3)),
  names: z.array(z.string()),
  texts: z.array(z.string()),
  pseudonym: z.string().check(z.minLength(3)),
});

/** `{ email, names, texts, pseudonym }`: every mail in the outbox redacted as an erasure says. */
function forgetInOutbox(s: RuntimeServices, { res, body }: LocalRequest): void {
  const parsed = RedactionBody.safeParse(JSON.parse(body.toString('utf8') || '{}'));
  if (!parsed.success) {
    send(res, 400, { message: 'expected { email, names, texts, pseudonym }' });
    return;
  }
  send(res, 200, { rewritten: s.outbox.forget({ ...parsed.data, ticketIds: new Set() }) });
}

/** SES v2 SendEmail: the mail lands in the outbox instead of anyone's inbox. */
function sendEmail(s: RuntimeServices, { res, body }: LocalRequest): void {
  const mail = JSON.parse(body.toString('utf8'));
  const sent = s.outbox.send(mail);
  if ('error' in sent) {
    send(res, 400, { message: sent.error });
    return;
  }
  billingMeter.add('ses.outboundMessages', sesRecipients(mail));
  send(res, 200, sent);
}

function outboxPage(s: RuntimeServices, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(s.outbox.html());
}

function deadLetters(s: RuntimeServices) {
  return {
    events: s.bus.deadLetters,
    queues: s.queueDeadLetters.items,
    mail: s.mail.deadLetters,
    schedules: s.scheduler.deadLetters,
    stream: s.tableStream.deadLetters,
  };
}

/**
 * `POST /local/redrive` `{ "queue": "<name>", "dryRun": true|false }` (`npm run redrive`): the dead letters
 * of one of the command's names redelivered to their consumer, or in a dry run listed with why each failed
 * (./redrive.ts).
 */
async function redrive(s: RuntimeServices, { res, body }: LocalRequest): Promise<void> {
  const input = parseRedriveRequest(body);
  const out = input
    ? await redriveLocally(s, input.queue, input.dryRun)
    : { error: 'send {"queue": "<name>", "dryRun": true|false}' };
  if ('error' in out) send(res, 400, { error: 'validation_failed', message: out.error });
  else send(res, 200, out);
}

function parseRedriveRequest(body: Buffer): { queue: string; dryRun: boolean } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { queue?: unknown; dryRun?: unknown } | null;
    const dryRun = parsed?.dryRun ?? false;
    if (typeof parsed?.queue !== 'string' || typeof dryRun !== 'boolean') return undefined;
    return { queue: parsed.queue, dryRun };
  } catch {
    return undefined;
  }
}

/**
 * Tests and scripts: wait until every event, queue message, stream record, execution and inbound mail has
 * been handled — passes until one in which nothing new happened anywhere (a change's outbox event goes
 * stream → bus → queue → function → another change → …).
 */
async function drain(s: RuntimeServices, { res }: LocalRequest): Promise<void> {
  const activity = () =>
    s.bus.accepted +
    s.mail.handled +
    s.tableStream.handed +
    s.scheduler.fired +
    [...s.queues.values()].reduce((n, q) => n + q.handled, 0);
  for (let pass = 0; pass < 100; pass++) {
    const before = activity();
    await s.mail.settled();
    await s.scheduler.drain();
    await s.bus.drain();
    for (const q of s.queues.values()) await q.drain();
    await s.stepFunctions.drain();
    await s.tableStream.drain();
    if (activity() === before) break;
  }
  send(res, 200, { drained: true });
}

function resetCosts(res: ServerResponse): void {
  billingMeter.reset();
  send(res, 200, billingMeter.snapshot());
}

function setClock(s: RuntimeServices, { res, body }: LocalRequest): void {
  const change = controlClock(s.clock, body);
  if ('error' in change) send(res, 400, change);
  else send(res, 200, s.clock.state());
}

/** Every execution of every topology state machine, described. */
function executions(s: RuntimeServices) {
  const { stepFunctions } = s;
  return stateMachines.flatMap((m) =>
    stepFunctions
      .listExecutions(stepFunctions.arnOf(m.name))
      .map((e) => stepFunctions.describeExecution(e.executionArn)),
  );
}

function recentEvents(s: RuntimeServices) {
  return { events: s.bus.recent, deadLetters: s.bus.deadLetters };
}

async function health(s: RuntimeServices, res: ServerResponse): Promise<void> {
  const ok = await s.admin.send(new ListTablesCommand({ Limit: 1 })).then(
    () => true,
    () => false,
  );
  send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', dynamodb: ok ? 'ok' : 'unreachable' });
}

/** The agent UI's dev login (what `npm run token` prints): a seeded user's id token, locally only. */
async function devToken(s: RuntimeServices, { res, body }: LocalRequest): Promise<void> {
  const email = parseTokenRequest(body);
  if (!email)
    return send(res, 400, { error: 'validation_failed', message: 'send {"email": "<seeded user>"}' });
  try {
    send(res, 200, { token: await s.issuer.tokenFor(email) }, { 'cache-control': 'no-store' });
  } catch (e: unknown) {
    send(res, 404, { error: 'not_found', message: e instanceof Error ? e.message : String(e) });
  }
}

async function agentUi(s: RuntimeServices, { res, url, method }: LocalRequest): Promise<void> {
  return serveAgentUi(res, method, url.pathname, await s.agentUi);
}

function parseTokenRequest(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const email = (parsed as { email?: unknown } | null)?.email;
    return typeof email === 'string' && email.length > 0 && email.length <= 254 ? email : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /local/clock` `{ advanceMinutes | advanceSeconds | set | speed }`: the workflow clock only moves
 * forward, so nothing recorded ever lies in the future of a later reading.
 */
function controlClock(clock: VirtualClock, body: Buffer): { ok: true } | { error: string; message: string } {
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    return { error: 'validation_failed', message: 'send a JSON object' };
  }
  const known = ['advanceMinutes', 'advanceSeconds', 'set', 'speed'];
  const given = Object.keys(input).filter((k) => known.includes(k));
  if (given.length === 0 || Object.keys(input).length !== given.length) {
    return { error: 'validation_failed', message: `send one or more of ${known.join(', ')}` };
  }
  try {
    if (input.set !== undefined) {
      const at = new Date(String(input.set));
      if (Number.isNaN(at.getTime())) throw new RangeError('set must be an ISO 8601 date-time');
      clock.set(at);
    }
    for (const [key, unit] of [
      ['advanceMinutes', 60_000],
      ['advanceSeconds', 1000],
    ] as const) {
      const n = input[key];
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
        throw new RangeError(`${key} must be a number ≥ 0`);
      clock.advance(n * unit);
    }
    if (input.speed !== undefined) {
      if (typeof input.speed !== 'number') throw new RangeError('speed must be a number');
      clock.setSpeed(input.speed);
    }
  } catch (e: unknown) {
    return { error: 'validation_failed', message: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true };
}
