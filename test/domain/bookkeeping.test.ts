import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  type Actor,
  addAgentMessage,
  BOOKKEEPING_ACTIONS,
  contentVersionOf,
  isBookkeeping,
  isStaleVersion,
  recordSla,
  type Ticket,
  TicketSchema,
  transition,
  withContentVersion,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

// What counts as system bookkeeping (never a reason for a 409), and the content version that `If-Match`
// is compared with.

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const SYSTEM: Actor = { kind: 'system', id: 'notifications' };
const AGENT: Actor = { kind: 'agent', id: 'sam@support.example' };
const entry = (action: string, actor: Actor = SYSTEM) => ({ action, actor });

describe('isBookkeeping', () => {
  it.each(['mail.sent', 'approval.reminded', 'sla.met', 'sla.warned', 'sla.breached'])(
    'counts a system write that only records %s as bookkeeping',
    (action) => {
      expect(isBookkeeping([entry(action)])).toBe(true);
    },
  );

  it('counts a write without any audit entry (the SLA clock re-timing a target) as bookkeeping', () => {
    expect(isBookkeeping([])).toBe(true);
  });

  it.each([
    'ticket.escalated',
    'ticket.state_changed',
    'ticket.message_added',
    'mail.delivery_failed',
    'approval.expired',
    'approval.escalated',
    'ticket.linked',
  ])('counts %s as a change, even when the system made it', (action) => {
    expect(isBookkeeping([entry(action)])).toBe(false);
  });

  it('counts a write as a change when any one of its entries is, like a breach that escalates', () => {
    const clock: Actor = { kind: 'system', id: 'sla-clock' };
    expect(isBookkeeping([entry('sla.breached', clock), entry('ticket.escalated', clock)])).toBe(false);
  });

  it('never counts what a person did as bookkeeping, whatever the action is called', () => {
    for (const kind of ['agent', 'customer', 'integration'] as const) {
      expect(isBookkeeping([entry('mail.sent', { kind, id: 'x' })])).toBe(false);
    }
  });

  it('names exactly the seven bookkeeping actions', () => {
    expect([...BOOKKEEPING_ACTIONS].sort()).toEqual([
      'approval.reminded',
      'incident.fan_out_continued',
      'incident.first_update',
      'mail.sent',
      'sla.breached',
      'sla.met',
      'sla.warned',
    ]);
  });
});

describe('the content version', () => {
  it('is the version for a ticket written before the field existed, which still parses', () => {
    const old = aTicket({ version: 4 });
    expect(old.contentVersion).toBeUndefined();
    expect(contentVersionOf(old)).toBe(4);
    expect(contentVersionOf(TicketSchema.parse({ ...old, contentVersion: 2 }))).toBe(2);
  });

  it('moves with a change and stays with bookkeeping', () => {
    const ticket = aTicket({ version: 5, contentVersion: 3 });
    const next = { ...ticket, version: 6 };
    expect(withContentVersion(next, [entry('ticket.updated', AGENT)], 5).contentVersion).toBe(6);
    expect(withContentVersion(next, [entry('mail.sent')], 5).contentVersion).toBe(3);
    expect(withContentVersion(next, [], 5).contentVersion).toBe(3);
  });

  it('takes the replaced version for bookkeeping on a ticket written before the field existed', () => {
    const next = { ...aTicket({ version: 4 }), version: 5 };
    expect(withContentVersion(next, [entry('mail.sent')], 4).contentVersion).toBe(4);
  });

  it('gives the same ticket when applied twice', () => {
    const next = { ...aTicket({ version: 2, contentVersion: 1 }), version: 3 };
    for (const audit of [[entry('mail.sent')], [entry('ticket.assigned', AGENT)]]) {
      const once = withContentVersion(next, audit, 2);
      expect(withContentVersion(once, audit, 2)).toEqual(once);
    }
  });

  it('follows what the domain writes: a reply is a change, the SLA clock recording it met is not', () => {
    const opened = aTicket({
      priority: 'urgent',
      account: { id: 'acct-bigcorp', tier: 'enterprise' },
      state: 'in_progress',
      contentVersion: 1,
    });
    const timed = recordSla({
      ticket: opened,
      audit: [],
      messages: [],
      config: workflowConfig,
      now: at(1),
      newId: ids(at(1)),
    });
    const started = withContentVersion(timed.ticket, timed.audit, opened.version);
    const replied = addAgentMessage(
      started,
      { visibility: 'public', body: 'On it.', author: { email: 'sam@support.example' } },
      { actor: AGENT, at: at(20), newId: ids(at(20)) },
    );
    if (!replied.ok) throw replied.error;
    const afterReply = withContentVersion(replied.ticket, [replied.audit], started.version);
    const met = recordSla({
      ticket: afterReply,
      audit: [],
      messages: [replied.message],
      config: workflowConfig,
      now: at(25),
      newId: ids(at(25)),
    });
    expect(met.audit.map((a) => a.action)).toEqual(['sla.met']);
    const afterMet = withContentVersion(met.ticket, met.audit, afterReply.version);

    expect(afterMet.version).toBe(afterReply.version + 1);
    expect(contentVersionOf(afterMet)).toBe(afterReply.version);
    expect(isStaleVersion(afterMet, afterReply.version)).toBe(false);

    const moved = transition(afterMet, 'waiting_on_customer', {
      actor: AGENT,
      at: at(30),
      newId: ids(at(30)),
      nextSeq: afterMet.auditSeq + 1,
    });
    if (!moved.ok) throw moved.error;
    const afterMove: Ticket = withContentVersion(moved.ticket, [moved.audit], afterMet.version);
    expect(contentVersionOf(afterMove)).toBe(afterMove.version);
    expect(isStaleVersion(afterMove, afterReply.version)).toBe(true);
  });
});

describe('isStaleVersion', () => {
  const ticket = aTicket({ version: 7, contentVersion: 5 });

  it('accepts any version from the last change on, up to the current one', () => {
    expect([5, 6, 7].map((v) => isStaleVersion(ticket, v))).toEqual([false, false, false]);
  });

  it('refuses a version from before the last change', () => {
    expect(isStaleVersion(ticket, 4)).toBe(true);
  });

  it('refuses a version the ticket never reached', () => {
    expect(isStaleVersion(ticket, 8)).toBe(true);
  });

  it('is the plain version check for a ticket written before the field existed', () => {
    const old = aTicket({ version: 7 });
    expect([6, 7, 8].map((v) => isStaleVersion(old, v))).toEqual([true, false, true]);
  });
});
