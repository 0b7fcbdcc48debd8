import { describe, expect, it } from 'vitest';
import { DomainEventSchema, eventTypes } from '../../shared/domain';

describe('domain events', () => {
  it('are the twelve names the design lists, in its order, then the automation.* ones issue 14 adds', () => {
    expect(eventTypes).toEqual([
      'ticket.created',
      'ticket.triaged',
      'ticket.assigned',
      'ticket.state_changed',
      'ticket.message_added',
      'ticket.priority_changed',
      'sla.warning',
      'sla.breached',
      'ticket.escalated',
      'approval.requested',
      'approval.decided',
      'csat.submitted',
      'automation.reminder',
      'automation.status_update',
      'automation.team_nudge',
      'automation.follow_up',
      'automation.auto_resolved',
      'automation.auto_closed',
      'automation.idle',
      'ticket.handed_off',
      'incident.fan_out',
    ]);
  });

  it('refuse a detail without the ticket id and version consumers dedupe on', () => {
    const result = DomainEventSchema.safeParse({
      type: 'ticket.state_changed',
      detail: { from: 'new', to: 'in_progress', occurredAt: '2025-03-04T09:30:00.000Z' },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['detail.ticketId', 'detail.version']);
  });
});
