/**
 * The public body of `PUT /v1/tickets/{id}/intent` (issue 19) on generated JSON: every value is either
 * refused with zod issues that name the `intent` field (or the body itself, when it is no object), or
 * accepted with a trimmed intent of 1..64 code points — decided by an oracle written here, not by the
 * schema. And labelIntent, fed any name on any ticket, never throws: it labels or refuses by rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { AgentActionRefusedError, type Ticket, TicketSchema } from '../../shared/domain';
import { allowedIntents, labelIntent } from '../../shared/domain/intent-label';
import { IntentLabelBody } from '../../shared/http/contracts';
import { aTicket, ids, T0 } from '../domain/builders';
import { blank, nastyText, nearLimit, wire, wrongType } from './arbitraries';

const REQUEST_TYPES = Object.keys(workflowConfig.requestTypes);
const MODEL_INTENTS = ['card_arrival', 'password_reset', 'refund_request'];
const KNOWN = [...REQUEST_TYPES, ...MODEL_INTENTS];

/** A name: mostly a known intent (padded with blanks), else anything, near the 64-character limit too. */
const intentName = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(blank, fc.constantFrom(...KNOWN), blank).map(([a, b, c]) => a + b + c) },
  { weight: 4, arbitrary: nastyText },
  { weight: 1, arbitrary: nearLimit(64) },
  { weight: 1, arbitrary: fc.tuple(blank, nearLimit(64), blank).map(([a, b, c]) => a + b + c) },
);

const body: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ intent: intentName }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { intent: fc.oneof(intentName, wrongType), extra: fc.jsonValue({ maxDepth: 2 }) },
      { requiredKeys: [] },
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: wrongType },
  { weight: 1, arbitrary: fc.constantFrom({ __proto__: { intent: 'bug_report' } }, { intent: null }, []) },
);

/** Whether the body should be accepted, worked out independently of the schema. */
function acceptable(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (!Object.hasOwn(value, 'intent')) return undefined;
  const intent = (value as { intent: unknown }).intent;
  if (typeof intent !== 'string') return undefined;
  const trimmed = intent.trim();
  // Lengths are code points (this repo's zod measures strings so), not UTF-16 units.
  const length = [...trimmed].length;
  return length >= 1 && length <= 64 ? trimmed : undefined;
}

describe('the intent label body on any JSON', () => {
  it('is refused naming intent (or the body), or accepted with a trimmed intent of 1..64', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(body, (generated) => {
        const value = wire(generated);
        const expected = acceptable(value);
        const parsed = IntentLabelBody.safeParse(value);
        if (parsed.success) {
          accepted++;
          expect(expected).toBeDefined();
          expect(typeof parsed.data.intent).toBe('string');
          expect(parsed.data.intent).toBe(expected);
          expect(Object.keys(parsed.data)).toEqual(['intent']);
        } else {
          refused++;
          expect(expected).toBeUndefined();
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
          for (const issue of parsed.error.issues) expect(issue.path).toEqual(isObject ? ['intent'] : []);
        }
      }),
      { numRuns: 500 },
    );
    // Both outcomes were exercised, so neither branch passed by never running.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('labelIntent on any name', () => {
  const prediction = fc.record({
    name: fc.constantFrom(...KNOWN, 'lost_card'),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const ticketIntent = fc.record(
    {
      predicted: prediction.map(({ name, confidence }) => ({
        name,
        confidence,
        top: [{ name, confidence }],
        modelVersion: 'intent-prop',
      })),
      label: fc.constantFrom(...KNOWN).map((name) => ({ name, by: 'sam@example.com', at: T0.toISOString() })),
    },
    { requiredKeys: [] },
  );
  const ticket: fc.Arbitrary<Ticket> = fc
    .option(ticketIntent, { nil: undefined })
    .map((intent) => aTicket(intent !== undefined ? { intent } : {}));

  it('never throws: it labels with the trimmed name, or refuses as intent-known / nothing-changed', () => {
    const at = new Date(T0.getTime() + 60_000);
    const seen = new Set<string>();
    fc.assert(
      fc.property(ticket, intentName, (t, name) => {
        const allowed = allowedIntents(t, REQUEST_TYPES, MODEL_INTENTS);
        const result = labelIntent(t, name, {
          actor: { kind: 'agent', id: 'alex@example.com' },
          at,
          newId: ids(at),
          allowed,
        });
        const wanted = name.trim();
        if (result.ok) {
          seen.add('ok');
          expect(allowed).toContain(wanted);
          expect(t.intent?.label?.name).not.toBe(wanted);
          expect(result.label).toEqual({ name: wanted, by: 'alex@example.com', at: at.toISOString() });
          expect(result.ticket.intent?.label).toEqual(result.label);
          expect(result.ticket.intent?.predicted).toEqual(t.intent?.predicted);
          expect(result.ticket.version).toBe(t.version + 1);
          expect(result.audit).toMatchObject({ action: 'intent.labelled', seq: result.ticket.auditSeq });
          const verdict =
            t.intent?.predicted === undefined
              ? 'set'
              : t.intent.predicted.name === wanted
                ? 'confirmed'
                : 'corrected';
          expect(result.audit.after).toMatchObject({ label: wanted, verdict });
          expect(TicketSchema.safeParse(result.ticket).success).toBe(true);
        } else {
          seen.add(result.error.rule);
          expect(result.error).toBeInstanceOf(AgentActionRefusedError);
          expect(result.error.kind).toBe('invalid');
          expect(result.error.rule).toBe(allowed.includes(wanted) ? 'nothing-changed' : 'intent-known');
        }
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual(['intent-known', 'nothing-changed', 'ok']);
  });
});
