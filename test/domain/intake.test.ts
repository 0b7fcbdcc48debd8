import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  type Actor,
  AuditEventSchema,
  DomainEventSchema,
  IntakeRejectedError,
  MessageSchema,
  type OpenTicketContext,
  openTicket,
  TicketSchema,
} from '../../shared/domain';
import { aDraft, ids, T0 } from './builders';

const integration: Actor = { kind: 'integration', id: 'webhook:demo' };
const ctx: OpenTicketContext = {
  config: workflowConfig,
  now: T0,
  reference: 'FD-42',
  newId: ids(),
  actor: integration,
};

function open(...args: Parameters<typeof aDraft>) {
  const result = openTicket(aDraft(...args), ctx);
  if (!result.ok) throw result.error;
  return result;
}

describe('opening a ticket', () => {
  it('opens a complete request as new, triaged, version 1', () => {
    const { ticket } = open();
    expect(ticket).toMatchObject({
      reference: 'FD-42',
      channel: 'webhook',
      source: 'demo',
      externalId: 'crm-evt-1001',
      requestType: 'billing_dispute',
      priority: 'high',
      queue: 'billing',
      state: 'new',
      blockedOn: null,
      missingFields: [],
      assignee: null,
      // Enterprise account, high priority (the enterprise-invoice rule): the SLA clocks start now.
      slaPolicy: 'enterprise/high',
      version: 1,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    const minutes = (n: number) => new Date(T0.getTime() + n * 60_000).toISOString();
    expect(ticket.sla?.targets).toEqual([
      expect.objectContaining({
        target: 'firstResponse',
        status: 'running',
        dueAt: minutes(60),
        warnAt: minutes(45),
      }),
      expect.objectContaining({
        target: 'resolution',
        status: 'running',
        dueAt: minutes(480),
        warnAt: minutes(360),
      }),
    ]);
    expect(TicketSchema.parse(ticket)).toEqual(ticket);
  });

  it('puts a request without its required context in needs_info, naming the missing fields', () => {
    const { ticket } = open({ fields: { invoiceId: 'INV-1' } });
    expect(ticket).toMatchObject({
      state: 'needs_info',
      blockedOn: 'customer',
      missingFields: ['customerId'],
    });
  });

  it('refuses a request whose values are wrong, writing nothing', () => {
    const result = openTicket(
      aDraft({ requestType: 'access_request', fields: { system: 'vpn', riskLevel: 'medium' } }),
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(IntakeRejectedError);
    expect(result.error).toMatchObject({
      name: 'IntakeRejectedError',
      code: 'INTAKE.REJECTED',
      issues: [{ path: 'fields.riskLevel', message: 'must be one of: low, high' }],
    });
  });

  it('refuses an unknown request type', () => {
    const result = openTicket(aDraft({ requestType: 'nope' }), ctx);
    expect(!result.ok && result.error.issues.map((i) => i.path)).toEqual(['requestType']);
  });

  it('keeps the first message as the inbound, public words of the requester', () => {
    const { ticket, message } = open();
    expect(MessageSchema.parse(message)).toEqual(message);
    expect(message).toMatchObject({
      ticketId: ticket.id,
      direction: 'inbound',
      visibility: 'public',
      channel: 'webhook',
      author: { email: 'dana@bigcorp.example', name: 'Dana Ruiz', kind: 'customer' },
      subject: 'Question about invoice INV-2041',
      body: 'We were charged twice for March.',
      createdAt: T0.toISOString(),
    });
  });

  it('records who brought it in and what triage decided, as audit events 1 and 2', () => {
    const { ticket, audit } = open({ fields: { invoiceId: 'INV-1' } });
    for (const event of audit) expect(AuditEventSchema.parse(event)).toEqual(event);
    expect(audit.map((a) => [a.seq, a.action, a.actor.kind])).toEqual([
      [1, 'ticket.created', 'integration'],
      [2, 'ticket.triaged', 'system'],
    ]);
    expect(audit[0]).toMatchObject({
      ticketId: ticket.id,
      at: T0.toISOString(),
      before: null,
      after: { state: 'needs_info', channel: 'webhook', source: 'demo', reference: 'FD-42' },
    });
    expect(audit[1]?.after).toEqual({
      requestType: 'billing_dispute',
      requestTypeBy: 'sender',
      priority: 'high',
      queue: 'billing',
      tags: ['enterprise'],
      matchedRules: ['billing-keywords', 'enterprise-invoice', 'enterprise-account'],
      missingFields: ['customerId'],
      slaPolicy: 'enterprise/high',
    });
  });

  it('announces ticket.created with the ticket id and version', () => {
    const { ticket, events } = open();
    expect(events).toHaveLength(1);
    expect(DomainEventSchema.parse(events[0])).toEqual({
      type: 'ticket.created',
      detail: {
        ticketId: ticket.id,
        version: 1,
        reference: 'FD-42',
        channel: 'webhook',
        source: 'demo',
        state: 'new',
        priority: 'high',
        queue: 'billing',
        requestType: 'billing_dispute',
        missingFields: [],
        requesterEmail: 'dana@bigcorp.example',
        suppressAutoMail: false,
        occurredAt: T0.toISOString(),
      },
    });
  });

  it('gives the ticket, message and audit events distinct ids', () => {
    const { ticket, message, audit } = open();
    const all = [ticket.id, message.id, ...audit.map((a) => a.id)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('leaves absent optional values out, so storage never sees undefined', () => {
    const { ticket } = open({ externalId: undefined, account: undefined, language: undefined });
    expect(Object.keys(ticket)).not.toContain('externalId');
    expect(Object.keys(ticket)).not.toContain('account');
    expect(Object.keys(ticket)).not.toContain('language');
  });
});
