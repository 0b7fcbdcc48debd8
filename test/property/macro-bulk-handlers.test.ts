/**
 * The macro and bulk handlers in process with generated bodies, paths and versions (issue 17): never a
 * 5xx; a 400 is `{error: "validation_failed", issues: [{path, message}]}`; a bulk answer names every
 * ticket asked about, in order, applied or refused with a rule. The store is stubbed as in
 * handlers.test.ts, so these are not end-to-end (test/local/macros.test.ts is).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { TicketState } from '../../shared/domain';
import { httpEvent, lambdaContext } from '../functions/events';
import { email, orWrong, tag, wrongType } from './arbitraries';
import { baseTickets } from './doors';
import { stubTicketStore } from './handler-harness';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
beforeAll(async () => {
  for (const name of ['bulk-tickets', 'apply-macro']) {
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  }
});

const tickets = baseTickets();
const LEAD = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };

beforeEach(() => {
  db.reset();
  stubTicketStore(db, tickets);
});

async function answer(name: string, event: unknown) {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  const res = await handler(event, lambdaContext);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode === 400) {
    expect(body.error).toBe('validation_failed');
    const issues = body.issues as Array<{ path: unknown; message: unknown }>;
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(typeof i.path === 'string' && typeof i.message === 'string').toBe(true);
  }
  return { status: res.statusCode, body };
}

const ticketName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...tickets.flatMap((t) => [t.id, t.reference])) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((n) => `FD-${n}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const bulkBody = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record(
      {
        action: fc.constantFrom('assign', 'tag', 'transition', 'link_incident', 'Assign'),
        tickets: orWrong(fc.uniqueArray(ticketName, { maxLength: 8 })),
        assignee: fc.oneof(email, fc.constant(null), fc.constant('lead@example.com')),
        add: fc.array(orWrong(tag), { maxLength: 3 }),
        remove: fc.array(tag, { maxLength: 2 }),
        to: fc.oneof(fc.constantFrom(...TicketState.options), fc.string({ maxLength: 12 })),
        reason: orWrong(fc.string({ maxLength: 40 })),
        incident: ticketName,
      },
      { requiredKeys: ['action', 'tickets'] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }), wrongType) },
);

describe('the macro and bulk handlers with generated input, store stubbed (not end-to-end)', () => {
  it('POST /v1/tickets/bulk answers every ticket in order, applied or refused with a rule, or a 4xx; never a 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bulkBody, async (payload) => {
        const event = httpEvent({
          method: 'POST',
          path: '/v1/tickets/bulk',
          routeKey: 'POST /v1/tickets/bulk',
          body: JSON.stringify(payload) ?? 'null',
          claims: LEAD,
        });
        const { status, body } = await answer('bulk-tickets', event);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        if (status !== 200) return;
        const asked = (payload as { tickets: string[] }).tickets.map((t) => t.trim());
        const results = body.results as Array<{
          ticket: string;
          outcome: string;
          rule?: string;
          message?: string;
        }>;
        expect(results.map((r) => r.ticket)).toEqual(asked);
        for (const r of results) {
          expect(['applied', 'refused']).toContain(r.outcome);
          if (r.outcome === 'refused') expect(r.rule && r.message).toBeTruthy();
        }
      }),
      { numRuns: 200 },
    );
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/macros/{macroId}[/preview] answers 200, 404, 409, 422 or 428, never a 5xx', async () => {
    const macroIds = [...Object.keys(workflowConfig.macros), 'no-such-macro', '__proto__', 'constructor'];
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...tickets),
        fc.constantFrom(...macroIds),
        fc.boolean(),
        fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }).map(String), fc.string({ maxLength: 5 }))),
        async (ticket, macroId, preview, ifMatch) => {
          const routeKey = `POST /v1/tickets/{id}/macros/{macroId}${preview ? '/preview' : ''}`;
          const event = httpEvent({
            method: 'POST',
            path: `/v1/tickets/${ticket.id}/macros/${macroId}${preview ? '/preview' : ''}`,
            routeKey,
            pathParameters: { id: ticket.id, macroId },
            headers: ifMatch === null ? {} : { 'If-Match': `"${ifMatch}"` },
            claims: LEAD,
          });
          const { status } = await answer('apply-macro', event);
          seen.add(status);
          expect([200, 404, 409, 422, 428]).toContain(status);
        },
      ),
      { numRuns: 150 },
    );
    expect(seen.has(200)).toBe(true);
  });
});
