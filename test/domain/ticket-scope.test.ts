import { describe, expect, it } from 'vitest';
import { changeRefusal, readRefusal, type TicketScope, worksQueue } from '../../shared/domain';

// Queue isolation as a pure rule: the ticket's queue (and, for reading, its approvals' groups) decides.

const frontlineAgent: TicketScope = { queues: ['frontline'], approverGroups: [] };
const lead: TicketScope = { queues: 'all', approverGroups: [] };
const financeApprover: TicketScope = { queues: [], approverGroups: ['finance'] };
const billingAgentWhoApproves: TicketScope = { queues: ['billing'], approverGroups: ['finance'] };
const frontlineTicket = { queue: 'frontline', reference: 'FD-1' };
const billingTicket = { queue: 'billing', reference: 'FD-2' };

describe('which tickets a caller may read and change', () => {
  it('lets an agent change the tickets of their queues and refuses any other queue naming own-queues', () => {
    expect(changeRefusal(frontlineAgent, frontlineTicket)).toBeUndefined();
    expect(changeRefusal(frontlineAgent, billingTicket)).toEqual({
      rule: 'own-queues',
      message: 'agents work the tickets of their own queues (frontline); FD-2 is in the queue billing',
    });
  });

  it('lets leads and admins (every queue) read and change any ticket', () => {
    expect(changeRefusal(lead, billingTicket)).toBeUndefined();
    expect(readRefusal(lead, billingTicket, [])).toBeUndefined();
    expect(worksQueue(lead, 'a-queue-nobody-configured')).toBe(true);
  });

  it('refuses an agent with no queue at all, saying they have none', () => {
    expect(changeRefusal({ queues: [], approverGroups: [] }, frontlineTicket)?.message).toContain(
      'own queues (none)',
    );
  });

  it('lets an approver read a ticket an approval of their group is about, and refuses another naming approver-tickets', () => {
    expect(readRefusal(financeApprover, billingTicket, ['finance'])).toBeUndefined();
    expect(readRefusal(financeApprover, billingTicket, ['security', 'none'])).toEqual({
      rule: 'approver-tickets',
      message:
        'approvers read the tickets their approvals are about (finance); FD-2 has no approval of theirs',
    });
    expect(readRefusal(financeApprover, frontlineTicket, [])?.rule).toBe('approver-tickets');
  });

  it('never lets an approver change a ticket, even one their approval is about', () => {
    expect(changeRefusal(financeApprover, billingTicket)?.rule).toBe('own-queues');
  });

  it('lets an agent who also approves read their queues and their approvals’ tickets, refusing the rest by own-queues', () => {
    expect(readRefusal(billingAgentWhoApproves, billingTicket, [])).toBeUndefined();
    expect(readRefusal(billingAgentWhoApproves, frontlineTicket, ['finance'])).toBeUndefined();
    expect(readRefusal(billingAgentWhoApproves, frontlineTicket, [])).toEqual({
      rule: 'own-queues',
      message:
        'agents work the tickets of their own queues (billing); FD-1 is in the queue frontline and has no approval of finance',
    });
    expect(changeRefusal(billingAgentWhoApproves, frontlineTicket)?.rule).toBe('own-queues');
  });

  it('refuses an agent a ticket of another queue whatever approvals are on it', () => {
    expect(readRefusal(frontlineAgent, billingTicket, ['finance'])?.rule).toBe('own-queues');
  });
});
