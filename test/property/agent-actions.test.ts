/**
 * The agent API's ticket actions, approvals and accounts with generated bodies, in process, the store
 * stubbed (as in handlers.test.ts: each item a write sends is marshalled and checked for what DynamoDB
 * refuses): `transition`, `handoff`, `assign`, `escalate`, `escalation/acknowledge`, `merge`, asking for
 * an approval, deciding one, and `PUT /v1/accounts/{id}`. The property every public input has: never a
 * 5xx; a 400 is `validation_failed` naming each problem by its path; other refusals say their rule. Each
 * run must reach both an accepted answer and a 400, or the generators stopped exercising the route.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext } from '../functions/events';
import {
  accountBody,
  approvalRequestBody,
  assignBody,
  decisionBody,
  escalateBody,
  handoffBody,
  mergeBody,
  transitionBody,
} from './arbitraries';
import { baseTickets } from './doors';
import { expectContractAnswer, statuses, stubTicketStore } from './handler-harness';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const RUNS = 120;
const db = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
const NAMES = [
  'transition-ticket',
  'hand-off-ticket',
  'assign-ticket',
  'escalate-ticket',
  'merge-ticket',
  'request-approval',
  'decide-approval',
  'upsert-account',
] as const;
beforeAll(async () => {
  for (const name of NAMES)
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
});

const tickets = baseTickets();
const LEAD = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };
const ADMIN = { sub: 'admin-1', email: 'admin@example.com', 'cognito:groups': '[admin]' };
const APPROVER = { sub: 'fin-1', email: 'finance@example.com', 'cognito:groups': '[approver-finance]' };

beforeEach(() => {
  db.reset();
  sfn.reset();
  stubTicketStore(db, tickets);
});

/** The handler's answer, held to the contract every route shares; its status. */
async function answer(name: (typeof NAMES)[number], event: unknown): Promise<number> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  const res = await handler(event, lambdaContext);
  const status = expectContractAnswer(res);
  // A refusal by the workflow names what refused it.
  const body = JSON.parse(res.body) as { error?: string; rule?: string; guard?: string; issues?: unknown };
  if (status === 422 && body.issues === undefined)
    expect(body.rule ?? body.guard ?? body.error, res.body).toBeTruthy();
  return status;
}

function request(
  routeKey: string,
  params: Record<string, string>,
  payload: unknown,
  claims: Record<string, unknown>,
  version?: number,
) {
  const [method = 'POST', template = '/'] = routeKey.split(' ');
  const path = Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, v), template);
  return httpEvent({
    method,
    path,
    routeKey,
    pathParameters: params,
    headers: version === undefined ? {} : { 'If-Match': `"${version}"` },
    body: JSON.stringify(payload) ?? 'null',
    claims,
  });
}

/** Runs `RUNS` generated bodies against one ticket route as a lead; the statuses seen. */
async function ticketRoute(
  name: (typeof NAMES)[number],
  routeKey: string,
  bodies: fc.Arbitrary<unknown>,
): Promise<ReturnType<typeof statuses>> {
  const seen = statuses();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...tickets), bodies, async (ticket, payload) => {
      const status = await answer(name, request(routeKey, { id: ticket.id }, payload, LEAD, ticket.version));
      seen.add(status);
    }),
    { numRuns: RUNS },
  );
  return seen;
}

describe('the agent API’s actions with generated bodies, store stubbed (not end-to-end)', () => {
  it('POST /v1/tickets/{id}/transition: 200, a 422 naming its guard, or a 400 naming fields; never a 5xx', async () => {
    const seen = await ticketRoute('transition-ticket', 'POST /v1/tickets/{id}/transition', transitionBody);
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/handoff: 200, a refusal naming its rule, or a 400 naming fields; never a 5xx', async () => {
    const seen = await ticketRoute('hand-off-ticket', 'POST /v1/tickets/{id}/handoff', handoffBody);
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/assign: 200, a refusal naming its rule, or a 400 naming fields; never a 5xx', async () => {
    const seen = await ticketRoute('assign-ticket', 'POST /v1/tickets/{id}/assign', assignBody);
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/escalate and …/escalation/acknowledge: never a 5xx', async () => {
    const seen = await ticketRoute('escalate-ticket', 'POST /v1/tickets/{id}/escalate', escalateBody);
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
    const acknowledged = await ticketRoute(
      'escalate-ticket',
      'POST /v1/tickets/{id}/escalation/acknowledge',
      fc.jsonValue({ maxDepth: 2 }),
    );
    // None of the base tickets is escalated: nothing to acknowledge, whatever the body.
    expect(acknowledged.count(422), acknowledged.toString()).toBe(RUNS);
  });

  it('POST /v1/tickets/{id}/merge: 200, a refusal, or a 400 naming fields; never a 5xx', async () => {
    const targets = tickets.flatMap((t) => [t.id, t.reference]);
    const seen = await ticketRoute('merge-ticket', 'POST /v1/tickets/{id}/merge', mergeBody(targets));
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/approvals: 201, a 422 naming its rule, or a 400 naming fields; never a 5xx', async () => {
    const seen = await ticketRoute(
      'request-approval',
      'POST /v1/tickets/{id}/approvals',
      approvalRequestBody,
    );
    expect(seen.count(201)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/approvals/{approvalId}/decision: 404 for an approval nobody asked for, or a 400 naming fields; never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.ulid(), fc.string({ minLength: 1, maxLength: 40 })),
        decisionBody,
        async (approvalId, payload) => {
          const status = await answer(
            'decide-approval',
            request('POST /v1/approvals/{approvalId}/decision', { approvalId }, payload, APPROVER),
          );
          seen.add(status);
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.count(404)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
    // Nothing was decided, so nothing reached the approval workflow.
    expect(sfn.calls()).toHaveLength(0);
  });

  it('PUT /v1/accounts/{id}: 200 with the account, or a 400 naming fields; never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('acct-1', 'acct-bigcorp') },
          { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 140 }) },
        ),
        accountBody,
        async (id, payload) => {
          const status = await answer(
            'upsert-account',
            request('PUT /v1/accounts/{id}', { id }, payload, ADMIN),
          );
          seen.add(status);
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });
});
