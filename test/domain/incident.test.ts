import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { type AuditEvent, type IncidentRule, newId, type Ticket, TicketSchema } from '../../shared/domain';
import { plannedActions } from '../../shared/domain/automation';
import {
  addIncidentLinks,
  declareIncident,
  incidentCloseRefusal,
  incidentNotice,
  incidentRuleMatches,
  linkRefusal,
  removeIncidentLinks,
  resolutionNoteFor,
} from '../../shared/domain/incident';
import {
  continueFanOut,
  fanOutPage,
  recordFirstUpdate,
  relayUpdate,
  resolveWithIncident,
} from '../../shared/domain/incident-fan-out';
import { addInto, emptyAggregate, ticketIncrements, totals } from '../../shared/domain/metrics';
import { aMessage, aTicket, ids, T0 } from './builders';

const lead = { kind: 'agent' as const, id: 'lead@example.com' };
const ctx = { actor: lead, at: T0, newId: ids() };
const rule = (over: Partial<IncidentRule> = {}): IncidentRule => ({
  accountIds: [],
  requestTypes: [],
  keywords: [],
  ...over,
});

function anIncident(over: Partial<Ticket> = {}): Ticket {
  const declared = declareIncident(aTicket({ reference: 'FD-1', subject: 'Logins fail' }), {}, ctx);
  if (!declared.ok) throw declared.error;
  return { ...declared.ticket, ...over };
}

/** `ticket` linked to `incident`, both sides. */
function linked(incident: Ticket, ticket: Ticket): { incident: Ticket; ticket: Ticket } {
  const c = { ...ctx, cause: 'test' };
  return {
    incident: addIncidentLinks(incident, [ticket], 'affects', c)?.ticket ?? incident,
    ticket: addIncidentLinks(ticket, [incident], 'affected_by', c)?.ticket ?? ticket,
  };
}

describe('declaring an incident', () => {
  it('turns a ticket into an incident titled by its subject, with an audit line, readable by the schema', () => {
    const declared = declareIncident(aTicket({ subject: 'Checkout  down' }), {}, ctx);
    expect(declared.ok).toBe(true);
    if (!declared.ok) return;
    expect(declared.ticket).toMatchObject({
      kind: 'incident',
      version: 2,
      incident: { title: 'Checkout down', declaredBy: 'lead@example.com', rule: rule() },
    });
    expect(declared.audit).toMatchObject({ action: 'incident.declared', seq: declared.ticket.auditSeq });
    expect(TicketSchema.parse(declared.ticket)).toEqual(declared.ticket);
  });

  it('reads a ticket stored before incidents existed as a plain ticket', () => {
    const { kind: _kind, ...old } = aTicket();
    expect(TicketSchema.parse(old).kind).toBe('ticket');
  });

  it('refuses a ticket that already is an incident, and a closed one, naming the rule', () => {
    const again = declareIncident(anIncident(), {}, ctx);
    expect(again.ok || again.error.rule).toBe('already-incident');
    const closed = declareIncident(aTicket({ state: 'closed' }), {}, ctx);
    expect(closed.ok || closed.error.rule).toBe('ticket-open');
  });
});

describe('which tickets may be linked', () => {
  it('allows an open plain ticket, refuses closed tickets, incidents and links to a resolved incident', () => {
    const incident = anIncident();
    expect(linkRefusal(incident, aTicket({ state: 'waiting_on_customer' }))).toBeUndefined();
    expect(linkRefusal(incident, aTicket({ state: 'closed' }))?.rule).toBe('ticket-open');
    expect(linkRefusal(incident, anIncident({ id: newId(T0) }))?.rule).toBe('incident-in-incident');
    expect(linkRefusal({ ...incident, state: 'resolved' }, aTicket())?.rule).toBe('incident-open');
    expect(linkRefusal(aTicket(), aTicket())?.rule).toBe('not-incident');
  });

  it('links as a set and unlinks only what is there', () => {
    const incident = anIncident();
    const t = aTicket({ id: newId(T0), reference: 'FD-9' });
    const once = linked(incident, t);
    expect(addIncidentLinks(once.incident, [t], 'affects', { ...ctx, cause: 'again' })).toBeUndefined();
    const off = removeIncidentLinks(once.incident, [t.id], 'affects', ctx);
    expect(off?.ticket.links).toEqual([]);
    expect(off?.audit[0]).toMatchObject({ action: 'ticket.unlinked', before: { reference: 'FD-9' } });
    expect(removeIncidentLinks(incident, [t.id], 'affects', ctx)).toBeUndefined();
  });
});

describe('the intake rule', () => {
  const facts = {
    subject: 'Cannot LOG IN',
    body: 'since 9am',
    requestType: 'bug_report',
    accountId: 'acct-a',
  };

  it('takes a ticket when every part it lists holds (account, request type, keyword in subject or body)', () => {
    expect(incidentRuleMatches(rule({ accountIds: ['acct-a'] }), facts)).toBe(true);
    expect(incidentRuleMatches(rule({ keywords: ['log in'] }), facts)).toBe(true);
    expect(incidentRuleMatches(rule({ keywords: ['9AM'], requestTypes: ['bug_report'] }), facts)).toBe(true);
    expect(incidentRuleMatches(rule({ accountIds: ['acct-a'], keywords: ['invoice'] }), facts)).toBe(false);
    expect(incidentRuleMatches(rule({ accountIds: ['acct-b'] }), facts)).toBe(false);
  });

  it('takes nothing when the rule lists nothing', () => {
    expect(incidentRuleMatches(rule(), facts)).toBe(false);
  });
});

describe('closing an incident', () => {
  it('is never done by the clock after quiet days (it cannot see the linked tickets); a follow-up still is planned', () => {
    const resolved = { ...anIncident(), state: 'resolved' as const };
    const plan = (ticket: Ticket) =>
      plannedActions({ ticket, audit: [], messages: [], config: workflowConfig, now: T0 }).map(
        (p) => p.action,
      );
    expect(plan({ ...resolved, kind: 'ticket' })).toContain('auto_closed');
    expect(plan(resolved)).not.toContain('auto_closed');
  });

  it('is refused while a linked ticket is open, listing the open ones; allowed once all are resolved or closed', () => {
    const refusal = incidentCloseRefusal({ reference: 'FD-1' }, [
      { reference: 'FD-2', state: 'resolved' },
      { reference: 'FD-3', state: 'in_progress' },
      { reference: 'FD-4', state: 'closed' },
    ]);
    expect(refusal).toMatchObject({
      rule: 'incident-links-resolved',
      kind: 'conflict',
      references: ['FD-3'],
    });
    expect(refusal?.message).toContain('FD-3');
    expect(
      incidentCloseRefusal({ reference: 'FD-1' }, [{ reference: 'FD-2', state: 'resolved' }]),
    ).toBeUndefined();
  });
});

describe('relaying an update onto a linked ticket', () => {
  const update = aMessage({
    direction: 'outbound',
    body: 'We found the cause.',
    author: { kind: 'agent', email: 'lead@example.com' },
  });

  it('writes the same words as a public reply to be delivered, once', () => {
    const { incident, ticket } = linked(anIncident(), aTicket({ id: newId(T0), reference: 'FD-5' }));
    const relayed = relayUpdate({ ticket, audit: [] }, incident, update, ctx);
    expect(relayed.kind).toBe('relayed');
    if (relayed.kind !== 'relayed') return;
    expect(relayed.message).toMatchObject({
      direction: 'outbound',
      visibility: 'public',
      body: 'We found the cause.',
    });
    expect(relayed.event.detail).toMatchObject({ deliver: true, authorKind: 'agent', ticketId: ticket.id });
    const again = relayUpdate({ ticket: relayed.ticket, audit: [relayed.audit] }, incident, update, ctx);
    expect(again).toEqual({ kind: 'skipped', reason: 'already relayed' });
  });

  it('skips a closed ticket and one no longer linked', () => {
    const { incident, ticket } = linked(anIncident(), aTicket({ id: newId(T0) }));
    expect(
      relayUpdate({ ticket: { ...ticket, state: 'closed' }, audit: [] }, incident, update, ctx).kind,
    ).toBe('skipped');
    expect(relayUpdate({ ticket: aTicket(), audit: [] }, incident, update, ctx).kind).toBe('skipped');
  });
});

describe('resolving linked tickets with the incident', () => {
  it('resolves a new ticket through in_progress with the note, announced with the incident as cause, once', () => {
    const { incident, ticket } = linked(anIncident(), aTicket({ id: newId(T0), state: 'new' }));
    const done = resolveWithIncident({ ticket, audit: [] }, incident, { key: '7', note: 'Fixed.' }, ctx);
    expect(done.kind).toBe('resolved');
    if (done.kind !== 'resolved') return;
    expect(done.ticket.state).toBe('resolved');
    expect(done.events.map((e) => e.type === 'ticket.state_changed' && e.detail.to)).toEqual([
      'in_progress',
      'resolved',
    ]);
    expect(done.events.at(-1)?.detail).toMatchObject({ cause: 'incident:FD-1' });
    expect(done.audit.map((a) => a.reason)).toEqual(['Fixed.', 'Fixed.']);
    expect(
      resolveWithIncident({ ticket: done.ticket, audit: done.audit }, incident, { key: '7', note: 'x' }, ctx)
        .kind,
    ).toBe('skipped');
  });

  it('leaves a ticket with undecided approvals as it is (its guard refuses)', () => {
    const { incident, ticket } = linked(
      anIncident(),
      aTicket({ id: newId(T0), state: 'in_progress', pendingApprovals: [newId(T0)] }),
    );
    expect(resolveWithIncident({ ticket, audit: [] }, incident, { key: '7', note: '' }, ctx).kind).toBe(
      'skipped',
    );
  });

  it('fills the workflow’s note template with the incident and its note', () => {
    expect(resolutionNoteFor(workflowConfig.incidents, anIncident(), ' Restarted the pool. ')).toBe(
      'Resolved with incident FD-1 (Logins fail): Restarted the pool.',
    );
    expect(incidentNotice(anIncident())).toContain('incident FD-1 ("Logins fail")');
  });
});

describe('the fan-out in pages', () => {
  it('walks the linked tickets in id order, page by page, and hands each page on once', () => {
    let incident = anIncident();
    const many = Array.from({ length: 60 }, (_, i) =>
      aTicket({ id: newId(new Date(T0.getTime() + i)), reference: `FD-${100 + i}` }),
    );
    incident = addIncidentLinks(incident, many, 'affects', { ...ctx, cause: 'x' })?.ticket ?? incident;
    const first = fanOutPage(incident, undefined);
    const second = fanOutPage(incident, first.next);
    const third = fanOutPage(incident, second.next);
    expect([first.page.length, second.page.length, third.page.length]).toEqual([25, 25, 10]);
    expect(third.next).toBeUndefined();
    expect(new Set([...first.page, ...second.page, ...third.page].map((l) => l.ticketId)).size).toBe(60);

    const handed = continueFanOut(
      { ticket: incident, audit: [] },
      { action: 'update', key: 'm1', after: String(first.next) },
      ctx,
    );
    expect(handed?.event).toMatchObject({
      type: 'incident.fan_out',
      detail: { after: first.next, key: 'm1' },
    });
    const audit: AuditEvent[] = handed ? [handed.audit] : [];
    expect(
      continueFanOut(
        { ticket: incident, audit },
        { action: 'update', key: 'm1', after: String(first.next) },
        ctx,
      ),
    ).toBeUndefined();
  });
});

describe('incidents in the flow metrics', () => {
  it('count an incident once, the tickets linked to it, and the minutes to its first update', () => {
    const plain = aTicket({ reference: 'FD-1', subject: 'Logins fail' });
    const incident = anIncident();
    const withLinks = linked(
      linked(incident, aTicket({ id: newId(T0) })).incident,
      aTicket({ id: newId(new Date(T0.getTime() + 1)) }),
    ).incident;
    const later = new Date(T0.getTime() + 30 * 60_000);
    const first = recordFirstUpdate(withLinks, { id: newId(later), createdAt: later.toISOString() }, ctx);
    if (!first) throw new Error('no first update');
    expect(
      recordFirstUpdate(first.ticket, { id: newId(later), createdAt: later.toISOString() }, ctx),
    ).toBeUndefined();

    const sum = emptyAggregate();
    for (const [before, after] of [
      [plain, incident],
      [incident, withLinks],
      [withLinks, first.ticket],
    ] as const)
      for (const inc of ticketIncrements(before, after).increments) addInto(sum, inc);
    expect(totals(sum)).toMatchObject({
      incidents: { declared: 1, ticketsLinked: 2, firstUpdates: 1, firstUpdateMinutesSum: 30 },
      ticketsPerIncident: 2,
      minutesToFirstIncidentUpdate: 30,
    });
  });
});
