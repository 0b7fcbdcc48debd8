import { describe, expect, it } from 'vitest';
import { AUTOMATION_ACTOR, type AuditEvent, type Ticket } from '../../shared/domain';
import { type ChangeRecord, projectChange } from '../../shared/use-cases/metrics';
import { aTicket, T0 } from '../domain/builders';

const ticket = aTicket({
  queue: 'billing',
  requestType: 'billing_dispute',
  state: 'closed',
  createdAt: T0.toISOString(),
});
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000).toISOString();

/** The audit item as the table stream carries it (keys and entity included). */
function auditInsert(id: string, entry: Partial<AuditEvent>): ChangeRecord {
  const audit: AuditEvent = {
    id: ticket.id,
    ticketId: ticket.id,
    seq: 5,
    at: at(50),
    actor: AUTOMATION_ACTOR,
    action: 'automation.reminded',
    before: null,
    after: { since: T0.toISOString(), dueAt: at(50), round: 1 },
    ...entry,
  };
  return {
    id,
    eventName: 'INSERT',
    newImage: { pk: `TICKET#${ticket.id}`, sk: 'AUDIT#0000000005', entity: 'audit', ...audit },
  };
}

function ticketsReading(found: Ticket | undefined) {
  const reads: string[] = [];
  return {
    reads,
    tickets: {
      get: async (id: string) => {
        reads.push(id);
        return found;
      },
    },
  };
}

describe('projecting the audit trail into flow metrics', () => {
  it("a reminder the clock recorded counts in its ticket's cell on the day it was written", async () => {
    const ports = ticketsReading(ticket);
    expect(await projectChange(auditInsert('r1', {}), ports)).toEqual({
      id: 'r1',
      increments: [
        {
          key: { day: '2025-03-06', queue: 'billing', requestType: 'billing_dispute' },
          counters: { remindersSent: 1 },
        },
      ],
      drivers: [],
    });
    expect(ports.reads).toEqual([ticket.id]);
  });

  it('a closing counts by who closed it, with the hours from creation to closing', async () => {
    const ports = ticketsReading(ticket);
    const confirmed = await projectChange(
      auditInsert('r2', {
        action: 'ticket.state_changed',
        actor: { kind: 'customer', id: ticket.requester.email },
        before: { state: 'resolved' },
        after: { state: 'closed' },
      }),
      ports,
    );
    expect(confirmed.increments).toEqual([
      {
        key: { day: '2025-03-06', queue: 'billing', requestType: 'billing_dispute' },
        counters: { closedBy_customer: 1 },
        closeHours: [50],
      },
    ]);
  });

  it('a state change that is not a closing, an update, or a deleted item: nothing, and no read', async () => {
    const ports = ticketsReading(ticket);
    const moved = auditInsert('r3', {
      action: 'ticket.state_changed',
      actor: { kind: 'agent', id: 'agent@example.com' },
      before: { state: 'in_progress' },
      after: { state: 'resolved' },
    });
    expect((await projectChange(moved, ports)).increments).toEqual([]);
    expect((await projectChange(auditInsert('r4', { action: 'ticket.updated' }), ports)).increments).toEqual(
      [],
    );
    const reminder = auditInsert('r5', {});
    expect(
      (await projectChange({ ...reminder, eventName: 'MODIFY', oldImage: reminder.newImage }, ports))
        .increments,
    ).toEqual([]);
    expect(
      (await projectChange({ id: 'r6', eventName: 'REMOVE', oldImage: reminder.newImage }, ports)).increments,
    ).toEqual([]);
    expect(ports.reads).toEqual([]);
  });

  it('a reminder on a ticket that is gone counts nothing', async () => {
    const ports = ticketsReading(undefined);
    expect((await projectChange(auditInsert('r7', {}), ports)).increments).toEqual([]);
    expect(ports.reads).toEqual([ticket.id]);
  });
});
