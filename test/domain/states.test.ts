import { describe, expect, it } from 'vitest';
import {
  type Actor,
  AuditEventSchema,
  blockedOnFor,
  canTransition,
  type Ticket,
  TicketSchema,
  TicketState,
  TicketStateChangedEvent,
  type TransitionContext,
  transition,
  transitions,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

const agent: Actor = { kind: 'agent', id: 'agent@example.com' };
const later = new Date(T0.getTime() + 60_000);
const ctx = (extra: Partial<TransitionContext> = {}): TransitionContext => ({
  actor: agent,
  at: later,
  nextSeq: 3,
  newId: ids(later),
  ...extra,
});

/** A ticket in `from` that satisfies every guard on the way to `to`. */
function readyFor(from: Ticket['state'], to: Ticket['state']): Ticket {
  return aTicket({
    state: from,
    blockedOn: blockedOnFor(from),
    missingFields: to === 'needs_info' ? ['customerId'] : [],
  });
}

const allowed = TicketState.options.flatMap((from) => transitions[from].map((to) => [from, to] as const));
const refused = TicketState.options.flatMap((from) =>
  TicketState.options.filter((to) => !canTransition(from, to)).map((to) => [from, to] as const),
);

describe('the transition table', () => {
  it('follows the documented flow', () => {
    expect(transitions).toEqual({
      new: ['needs_info', 'in_progress'],
      needs_info: ['in_progress', 'resolved'],
      in_progress: ['waiting_on_customer', 'waiting_on_team', 'resolved', 'needs_info'],
      waiting_on_customer: ['in_progress', 'resolved'],
      waiting_on_team: ['in_progress', 'resolved'],
      resolved: ['in_progress', 'closed'],
      closed: [],
    });
  });

  it.each(allowed)('moves a ticket from %s to %s', (from, to) => {
    const ticket = readyFor(from, to);
    const result = transition(ticket, to, ctx({ customerConfirmed: true }));
    if (!result.ok) throw result.error;
    expect(result.ticket).toMatchObject({
      state: to,
      blockedOn: blockedOnFor(to),
      version: ticket.version + 1,
      updatedAt: later.toISOString(),
      createdAt: ticket.createdAt,
    });
    expect(TicketSchema.parse(result.ticket)).toEqual(result.ticket);
  });

  it.each(refused)('refuses to move a ticket from %s to %s', (from, to) => {
    const result = transition(readyFor(from, to), to, ctx({ customerConfirmed: true }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({
      name: 'TransitionRefusedError',
      code: 'TICKET.INVALID_TRANSITION',
      from,
      to,
    });
    expect(result.error.message).toContain(`cannot move from ${from} to ${to}`);
  });

  it('says a closed ticket is final, since a reply to it opens a follow-up instead', () => {
    const result = transition(aTicket({ state: 'closed' }), 'in_progress', ctx());
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toBe('FD-7 cannot move from closed to in_progress; it is final');
  });

  it('reopens a resolved ticket when the customer replies', () => {
    const result = transition(
      aTicket({ state: 'resolved' }),
      'in_progress',
      ctx({ actor: { kind: 'customer', id: 'x' } }),
    );
    expect(result.ok && result.ticket.state).toBe('in_progress');
  });

  it('does not change the ticket it was given', () => {
    const ticket = aTicket({ state: 'in_progress' });
    const copy = structuredClone(ticket);
    transition(ticket, 'resolved', ctx());
    expect(ticket).toEqual(copy);
  });
});

describe('guards', () => {
  it('keeps a ticket in needs_info while required fields are missing, naming them', () => {
    const ticket = aTicket({
      state: 'needs_info',
      blockedOn: 'customer',
      missingFields: ['invoiceId', 'customerId'],
    });
    const result = transition(ticket, 'in_progress', ctx());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'TICKET.GUARD_FAILED', guard: 'required-context-supplied' });
    expect(result.error.message).toBe(
      'FD-7 cannot move from needs_info to in_progress: a ticket leaves needs_info only once every required field is supplied (missing: invoiceId, customerId)',
    );
  });

  it('lets a ticket leave needs_info once the context is supplied', () => {
    const result = transition(aTicket({ state: 'needs_info', blockedOn: 'customer' }), 'in_progress', ctx());
    expect(result.ok && result.ticket).toMatchObject({ state: 'in_progress', blockedOn: null });
  });

  it('refuses to put a ticket into needs_info when nothing is missing', () => {
    const result = transition(aTicket({ state: 'in_progress' }), 'needs_info', ctx());
    expect(!result.ok && result.error).toMatchObject({
      code: 'TICKET.GUARD_FAILED',
      guard: 'required-context-missing',
    });
  });

  it('closes a ticket only from resolved', () => {
    for (const from of ['new', 'in_progress', 'waiting_on_customer', 'waiting_on_team'] as const) {
      const result = transition(aTicket({ state: from }), 'closed', ctx({ customerConfirmed: true }));
      expect(!result.ok && result.error.code).toBe('TICKET.INVALID_TRANSITION');
    }
  });

  it('closes a resolved ticket when the customer confirms', () => {
    const result = transition(aTicket({ state: 'resolved' }), 'closed', ctx({ customerConfirmed: true }));
    expect(result.ok && result.ticket.state).toBe('closed');
  });

  it('closes a resolved ticket after enough quiet days, and not a day sooner', () => {
    const resolved = aTicket({ state: 'resolved' });
    const early = transition(resolved, 'closed', ctx({ quietDays: 6, closeAfterQuietDays: 7 }));
    const due = transition(resolved, 'closed', ctx({ quietDays: 7, closeAfterQuietDays: 7 }));
    expect(!early.ok && early.error).toMatchObject({
      code: 'TICKET.GUARD_FAILED',
      guard: 'closure-confirmed',
    });
    expect(due.ok).toBe(true);
  });

  it('does not close a resolved ticket without confirmation or a quiet period', () => {
    const resolved = aTicket({ state: 'resolved' });
    for (const extra of [{}, { customerConfirmed: false }, { quietDays: 30 }, { closeAfterQuietDays: 7 }]) {
      const result = transition(resolved, 'closed', ctx(extra));
      expect(!result.ok && result.error.message).toContain('customer confirmation or enough quiet days');
    }
  });
});

describe('closing with a documented resolution note', () => {
  const resolved = () => aTicket({ state: 'resolved', auditSeq: 2 });

  it('lets an agent or lead close a resolved ticket when they give a resolution note, kept as the reason', () => {
    // Leads are agents with the lead role: both act as `agent`.
    for (const id of ['agent@example.com', 'lead@example.com']) {
      const result = transition(
        resolved(),
        'closed',
        ctx({ actor: { kind: 'agent', id }, reason: 'Refund issued as credit note CN-2291' }),
      );
      if (!result.ok) throw result.error;
      expect(result.ticket.state).toBe('closed');
      expect(result.audit).toMatchObject({
        actor: { kind: 'agent', id },
        before: { state: 'resolved' },
        after: { state: 'closed' },
        reason: 'Refund issued as credit note CN-2291',
      });
    }
  });

  it.each([
    ['no note', {}],
    ['an empty note', { reason: '' }],
    ['a blank note', { reason: ' \n\t ' }],
  ])('refuses an agent closing with %s, saying a resolution note is needed', (_name, extra) => {
    const result = transition(resolved(), 'closed', ctx(extra));
    expect(!result.ok && result.error).toMatchObject({
      code: 'TICKET.GUARD_FAILED',
      guard: 'closure-confirmed',
      from: 'resolved',
      to: 'closed',
    });
    expect(!result.ok && result.error.message).toBe(
      'FD-7 cannot move from resolved to closed: a resolved ticket closes only after customer confirmation or enough quiet days, or when an agent or lead closes it with a resolution note (a reason saying how it was resolved)',
    );
  });

  it.each([
    ['the system', { kind: 'system', id: 'ticket-clock' }],
    ['an integration', { kind: 'integration', id: 'billing' }],
    ['the customer', { kind: 'customer', id: 'dana@bigcorp.example' }],
  ] as const)('does not take a note from %s as a documented resolution', (_name, actor) => {
    const result = transition(resolved(), 'closed', ctx({ actor, reason: 'looks done' }));
    expect(!result.ok && result.error.guard).toBe('closure-confirmed');
  });

  it('still closes on customer confirmation and after the quiet days, without a note', () => {
    const system: Actor = { kind: 'system', id: 'ticket-clock' };
    const customer: Actor = { kind: 'customer', id: 'dana@bigcorp.example' };
    expect(transition(resolved(), 'closed', ctx({ actor: customer, customerConfirmed: true })).ok).toBe(true);
    expect(
      transition(resolved(), 'closed', ctx({ actor: system, quietDays: 4, closeAfterQuietDays: 4 })).ok,
    ).toBe(true);
    expect(
      transition(resolved(), 'closed', ctx({ actor: system, quietDays: 3, closeAfterQuietDays: 4 })).ok,
    ).toBe(false);
  });

  it('needs the ticket resolved first: a note does not close an open ticket', () => {
    const result = transition(aTicket({ state: 'in_progress' }), 'closed', ctx({ reason: 'done' }));
    expect(!result.ok && result.error.code).toBe('TICKET.INVALID_TRANSITION');
  });
});

describe('the record of a state change', () => {
  it('appends an audit event with the state before and after, the actor and the reason', () => {
    const result = transition(
      aTicket({ state: 'in_progress' }),
      'waiting_on_team',
      ctx({ reason: 'asked engineering' }),
    );
    if (!result.ok) throw result.error;
    expect(AuditEventSchema.parse(result.audit)).toEqual(result.audit);
    expect(result.audit).toMatchObject({
      ticketId: result.ticket.id,
      seq: 3,
      at: later.toISOString(),
      actor: agent,
      action: 'ticket.state_changed',
      before: { state: 'in_progress' },
      after: { state: 'waiting_on_team' },
      reason: 'asked engineering',
    });
  });

  it('names whom the ticket waits on', () => {
    expect(blockedOnFor('needs_info')).toBe('customer');
    expect(blockedOnFor('waiting_on_customer')).toBe('customer');
    expect(blockedOnFor('waiting_on_team')).toBe('team');
    for (const s of ['new', 'in_progress', 'resolved', 'closed'] as const) expect(blockedOnFor(s)).toBeNull();
  });

  it('comes with a ticket.state_changed event carrying the new version', () => {
    const result = transition(aTicket({ state: 'in_progress', version: 4 }), 'resolved', ctx());
    if (!result.ok) throw result.error;
    expect(TicketStateChangedEvent.parse(result.event)).toEqual({
      type: 'ticket.state_changed',
      detail: {
        ticketId: result.ticket.id,
        version: 5,
        from: 'in_progress',
        to: 'resolved',
        occurredAt: later.toISOString(),
      },
    });
  });
});
