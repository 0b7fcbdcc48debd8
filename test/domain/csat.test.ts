import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type AuditEvent,
  AuditEventSchema,
  CsatSubmittedEvent,
  type Ticket,
  type TicketState,
  transition,
} from '../../shared/domain';
import {
  CSAT_COMMENT_MAX_LENGTH,
  csatSurveyState,
  parseCsatAnswer,
  recordCsat,
  resolutionOf,
} from '../../shared/domain/csat';
import { aTicket, ids, T0 } from './builders';

const agent: Actor = { kind: 'agent', id: 'agent@example.com' };
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

interface Life {
  ticket: Ticket;
  audit: AuditEvent[];
}

/** Moves the ticket through `states` one minute apart, keeping the audit trail as the repository would. */
function live(life: Life, states: readonly TicketState[], startMinute: number): Life {
  let { ticket, audit } = life;
  states.forEach((to, i) => {
    const at = minutes(startMinute + i);
    const r = transition(ticket, to, {
      actor: agent,
      at,
      nextSeq: ticket.auditSeq + 1,
      newId: ids(at),
      customerConfirmed: true,
    });
    if (!r.ok) throw r.error;
    ticket = r.ticket;
    audit = [...audit, r.audit];
  });
  return { ticket, audit };
}

const resolved = () => live({ ticket: aTicket({ auditSeq: 2 }), audit: [] }, ['in_progress', 'resolved'], 1);
const rate = (life: Life, resolution: number, score: 1 | 2 | 3 | 4 | 5, comment?: string, minute = 10) =>
  recordCsat(
    life.ticket,
    life.audit,
    { resolution, answer: comment === undefined ? { score } : { score, comment } },
    { at: minutes(minute), newId: ids(minutes(minute)) },
  );

describe('resolutionOf', () => {
  it('finds the audit entry that resolved the ticket, the latest one when it was resolved twice', () => {
    const first = resolved();
    expect(resolutionOf(first.audit)).toEqual({ seq: 4, at: minutes(2).toISOString() });
    const again = live(first, ['in_progress', 'resolved'], 5);
    expect(resolutionOf(again.audit)?.seq).toBe(6);
    // A mail about the first resolution, sent late, still names the first one.
    expect(resolutionOf(again.audit, minutes(2).toISOString())?.seq).toBe(4);
    expect(resolutionOf([])).toBeUndefined();
  });
});

describe('recordCsat', () => {
  it('records a score and comment on a resolved ticket: audit csat.submitted by the customer, new version, event', () => {
    const life = resolved();
    const out = rate(life, 4, 4, 'Quick and friendly');
    if (!out.ok || !out.recorded) throw new Error('expected a recorded answer');
    expect(out.ticket.version).toBe(life.ticket.version + 1);
    expect(out.ticket.auditSeq).toBe(life.ticket.auditSeq + 1);
    expect(out.ticket.state).toBe('resolved');
    expect(AuditEventSchema.parse(out.audit)).toMatchObject({
      action: 'csat.submitted',
      seq: out.ticket.auditSeq,
      actor: { kind: 'customer', id: life.ticket.requester.email },
      after: { score: 4, comment: 'Quick and friendly', resolution: 4 },
    });
    expect(CsatSubmittedEvent.parse(out.event)).toEqual({
      type: 'csat.submitted',
      detail: {
        ticketId: life.ticket.id,
        version: out.ticket.version,
        occurredAt: minutes(10).toISOString(),
        reference: life.ticket.reference,
        score: 4,
        queue: life.ticket.queue,
        requestType: life.ticket.requestType,
      },
    });
  });

  it('answers a second rating of the same resolution as already recorded, changing nothing', () => {
    const life = resolved();
    const first = rate(life, 4, 2);
    if (!first.ok || !first.recorded) throw new Error('expected a recorded answer');
    const after = { ticket: first.ticket, audit: [...life.audit, first.audit] };
    const second = rate(after, 4, 5, 'changed my mind', 11);
    expect(second).toEqual({ ok: true, recorded: false, score: 2, ticket: after.ticket });
  });

  it('opens a new survey when the ticket was reopened and resolved again', () => {
    const life = resolved();
    const first = rate(life, 4, 2);
    if (!first.ok || !first.recorded) throw new Error('expected a recorded answer');
    const reopened = live({ ticket: first.ticket, audit: [...life.audit, first.audit] }, ['in_progress'], 20);
    // Open again: the answered survey still says so; there is no new one to answer yet.
    expect(rate(reopened, 4, 5)).toMatchObject({ ok: true, recorded: false, score: 2 });
    const resolution = live(reopened, ['resolved'], 30);
    const latest = resolutionOf(resolution.audit)?.seq ?? 0;
    expect(latest).toBeGreaterThan(4);
    const second = rate(resolution, latest, 5, undefined, 40);
    expect(second).toMatchObject({ ok: true, recorded: true, score: 5 });
  });

  it('refuses a ticket that is not resolved, naming its state', () => {
    const life = live({ ticket: aTicket({ auditSeq: 2 }), audit: [] }, ['in_progress'], 1);
    const out = rate(life, 3, 5);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('CSAT.NOT_RESOLVED');
    expect(out.error.message).toContain('in progress, not resolved');
  });

  it('refuses a reopened ticket, and a link for a resolution that a newer one replaced', () => {
    const reopened = live(resolved(), ['in_progress'], 5);
    const open = rate(reopened, 4, 5);
    expect(!open.ok && open.error.code).toBe('CSAT.NOT_RESOLVED');
    const again = live(reopened, ['resolved'], 6);
    const old = rate(again, 4, 5);
    expect(!old.ok && old.error.code).toBe('CSAT.SUPERSEDED');
  });

  it('takes an answer on a closed ticket, for the resolution before the close', () => {
    const closed = live(resolved(), ['closed'], 5);
    expect(closed.ticket.state).toBe('closed');
    expect(rate(closed, 4, 3)).toMatchObject({ ok: true, recorded: true });
  });

  it('refuses a ticket closed without ever being resolved (a merged duplicate)', () => {
    const merged = aTicket({ state: 'closed', auditSeq: 3 });
    expect(csatSurveyState(merged, [], 3)).toMatchObject({
      kind: 'refused',
      error: { code: 'CSAT.NOT_RESOLVED' },
    });
  });
});

describe('parseCsatAnswer', () => {
  it('takes a JSON number or the form text of a score, and an optional comment', () => {
    expect(parseCsatAnswer({ score: 5 })).toEqual({ ok: true, answer: { score: 5 } });
    expect(parseCsatAnswer({ score: '3', comment: '  fine  ' })).toEqual({
      ok: true,
      answer: { score: 3, comment: 'fine' },
    });
    expect(parseCsatAnswer({ score: 1, comment: '' })).toEqual({ ok: true, answer: { score: 1 } });
  });

  it.each([[0], [6], [4.5], ['five'], [null], [undefined], ['']])(
    'refuses the score %j, naming the field',
    (score) => {
      expect(parseCsatAnswer({ score })).toEqual({
        ok: false,
        issues: [{ path: 'score', message: 'must be a whole number from 1 to 5' }],
      });
    },
  );

  it('refuses a comment over the limit or not text, naming the field', () => {
    const long = parseCsatAnswer({ score: 4, comment: 'x'.repeat(CSAT_COMMENT_MAX_LENGTH + 1) });
    expect(long).toEqual({
      ok: false,
      issues: [{ path: 'comment', message: 'must be at most 2000 characters' }],
    });
    expect(parseCsatAnswer({ score: 4, comment: 'x'.repeat(CSAT_COMMENT_MAX_LENGTH) }).ok).toBe(true);
    expect(parseCsatAnswer({ score: 4, comment: 42 })).toEqual({
      ok: false,
      issues: [{ path: 'comment', message: 'must be text' }],
    });
  });
});
