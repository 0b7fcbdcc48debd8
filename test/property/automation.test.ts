import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  type AuditEvent,
  DomainEventSchema,
  isOpen,
  type Message,
  runAutomation,
  slaPolicyFor,
  type Ticket,
  TicketState,
} from '../../shared/domain';
import { aMessage, aStateChange, aTicket, T0 } from '../domain/builders';

// The ticket clock's automation over generated histories and wake-up sequences: however often and however
// late it is asked, it acts at most once per action, wait and round, writes nothing when asked twice at one
// moment, keeps the audit gapless and the version rising, mails people only in the calendar's open hours,
// and announces only events the bus schema accepts.

const HOUR = 3_600_000;
const MAIL_TO_PEOPLE = new Set(['automation.reminder', 'automation.status_update', 'automation.follow_up']);

const history = fc.record({
  requestType: fc.constantFrom(...Object.keys(workflowConfig.requestTypes)),
  enterprise: fc.boolean(),
  state: fc.constantFrom(...TicketState.options.filter((s) => s !== 'closed')),
  enteredAfterHours: fc.integer({ min: 0, max: 200 }),
  replies: fc.array(fc.record({ afterHours: fc.integer({ min: 0, max: 400 }), agent: fc.boolean() }), {
    maxLength: 4,
  }),
  // Moments the clock is asked (hours after T0, any order; asked in time order).
  looks: fc.array(fc.integer({ min: 0, max: 24 * 60 }), { minLength: 1, maxLength: 12 }),
});

describe('the ticket clock over generated histories', () => {
  it('acts once per action and wait, is idempotent at a moment, keeps the audit gapless and mails in open hours', () => {
    // What the generated cases made the clock do, so a generator that never gets anything due fails.
    const acted = new Map<string, number>();
    fc.assert(
      fc.property(history, (h) => {
        const entered = new Date(T0.getTime() + h.enteredAfterHours * HOUR);
        let ticket: Ticket = aTicket({
          requestType: h.requestType,
          state: h.state,
          ...(h.enterprise ? { account: { id: 'acct-bigcorp', tier: 'enterprise' } } : {}),
          missingFields: h.state === 'needs_info' ? ['x'] : [],
          auditSeq: 1,
          version: 2,
        });
        let audit: AuditEvent[] = [aStateChange(1, entered, 'in_progress', h.state, ticket.id)];
        const messages: Message[] = h.replies.map((r, i) =>
          aMessage({
            id: aTicket().id.slice(0, 24) + String(i).padStart(2, '0'),
            ticketId: ticket.id,
            direction: r.agent ? 'outbound' : 'inbound',
            visibility: 'public',
            author: r.agent ? { kind: 'agent', email: 'agent@example.com' } : { kind: 'customer' },
            createdAt: new Date(entered.getTime() + r.afterHours * HOUR).toISOString(),
          }),
        );
        const calendar = slaPolicyFor(ticket, workflowConfig).calendar;
        const looks = [...new Set(h.looks)].toSorted((a, b) => a - b);
        for (const hours of looks) {
          const now = new Date(entered.getTime() + hours * HOUR);
          const newId = () => aTicket().id;
          const out = runAutomation({ ticket, audit, messages, config: workflowConfig, now, newId });
          // Asked again at the same moment about what it just wrote: nothing more.
          const again = runAutomation({
            ticket: out.ticket,
            audit: [...audit, ...out.audit],
            messages,
            config: workflowConfig,
            now,
            newId,
          });
          expect(again.audit).toEqual([]);
          expect(again.events).toEqual([]);
          if (out.audit.length > 0) {
            expect(out.ticket.version).toBeGreaterThan(ticket.version);
            expect(out.audit.map((a) => a.seq)).toEqual(out.audit.map((_, i) => ticket.auditSeq + i + 1));
            expect(out.ticket.auditSeq).toBe(ticket.auditSeq + out.audit.length);
          } else expect(out.ticket).toBe(ticket);
          for (const e of out.events) {
            expect(DomainEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
            if (MAIL_TO_PEOPLE.has(e.type) && 'dueAt' in e.detail)
              expect(isOpen(calendar, new Date(e.detail.dueAt)), `${e.type} due ${e.detail.dueAt}`).toBe(
                true,
              );
          }
          // Nothing is planned for a moment already past.
          for (const p of out.upcoming) expect(p.at > now.toISOString()).toBe(true);
          for (const e of out.events) acted.set(e.type, (acted.get(e.type) ?? 0) + 1);
          ticket = out.ticket;
          audit = [...audit, ...out.audit];
        }
        // At most once per action, wait and round.
        const keys = audit
          .filter((a) => a.action.startsWith('automation.'))
          .map((a) => `${a.action}|${String(a.after?.since)}|${String(a.after?.round ?? '')}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
    for (const type of [
      'automation.reminder',
      'automation.auto_resolved',
      'automation.status_update',
      'automation.team_nudge',
      'automation.auto_closed',
      'automation.idle',
    ])
      expect(acted.get(type) ?? 0, `${type} in ${JSON.stringify([...acted])}`).toBeGreaterThan(0);
  });
});
