import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { type DomainEvent, planNotification, renderTemplate, ticketCreatedEvent } from '../../shared/domain';
import { aTicket } from './builders';

const changed = (from: string, to: string, version = 3) =>
  ({
    type: 'ticket.state_changed',
    detail: { ticketId: 'x', version, from, to, occurredAt: '2025-01-01T00:00:00.000Z' },
  }) as DomainEvent;

describe('which mail an event asks for', () => {
  it('acknowledges a new ticket with an automatic mail', () => {
    const t = aTicket({ channel: 'email' });
    expect(planNotification(ticketCreatedEvent(t), t, workflowConfig)).toEqual({
      mail: {
        template: 'acknowledgement',
        to: t.requester.email,
        automatic: true,
        idempotencyKey: `${t.id}:ticket.created:1:acknowledgement`,
      },
    });
  });

  it('asks for missing context instead of acknowledging when the ticket opens in needs_info', () => {
    const t = aTicket({ state: 'needs_info', missingFields: ['invoiceId'] });
    expect(planNotification(ticketCreatedEvent(t), t, workflowConfig)).toMatchObject({
      mail: { template: 'needsInfo' },
    });
  });

  it('never mails a ticket opened by an auto-reply, list mail or bounce', () => {
    const t = aTicket({ channel: 'email', suppressAutoMail: true });
    expect(planNotification(ticketCreatedEvent(t), t, workflowConfig)).toHaveProperty('skip');
    expect(planNotification(changed('in_progress', 'resolved'), t, workflowConfig)).toHaveProperty('skip');
  });

  it('sends the resolution notice when a ticket is resolved, and nothing for other moves', () => {
    const t = aTicket({ state: 'resolved' });
    expect(planNotification(changed('in_progress', 'resolved'), t, workflowConfig)).toMatchObject({
      mail: { template: 'resolution' },
    });
    expect(planNotification(changed('new', 'in_progress'), t, workflowConfig)).toHaveProperty('skip');
  });

  it("mails an agent's public reply, without Auto-Submitted", () => {
    const t = aTicket({ suppressAutoMail: true });
    const event = {
      type: 'ticket.message_added',
      detail: {
        ticketId: t.id,
        version: 4,
        messageId: t.id,
        direction: 'outbound',
        visibility: 'public',
        channel: 'email',
        authorKind: 'agent',
        deliver: true,
        occurredAt: t.createdAt,
      },
    } as DomainEvent;
    expect(planNotification(event, t, workflowConfig)).toMatchObject({
      mail: { template: 'agentReply', automatic: false },
    });
  });

  it('gives a re-announced event the same idempotency key, so the mail goes once', () => {
    const t = aTicket();
    const a = planNotification(ticketCreatedEvent(t), t, workflowConfig);
    const b = planNotification(ticketCreatedEvent(t), t, workflowConfig);
    expect(a).toEqual(b);
  });
});

describe('rendering a template', () => {
  it('fills placeholders and always puts [FD-<n>] in the subject', () => {
    const out = renderTemplate(
      { subject: 'About {{subject}}', text: 'Hi {{requesterName}}, {{unknown}}.' },
      { subject: 'VPN', requesterName: 'Ana' },
      'FD-9',
    );
    expect(out).toEqual({ subject: 'About VPN [FD-9]', text: 'Hi Ana, .' });
    expect(renderTemplate({ subject: '[FD-9] x', text: 't' }, {}, 'FD-9').subject).toBe('[FD-9] x');
  });

  it('refuses a config whose template uses an unknown placeholder, naming the path', async () => {
    const { parseWorkflowConfig, defaultWorkflow } = await import('../../shared/config');
    const bad = structuredClone(defaultWorkflow) as unknown as {
      notifications: { resolution: { text: string } };
    };
    bad.notifications.resolution.text = 'Bye {{nmae}}';
    expect(() => parseWorkflowConfig(bad)).toThrow(
      /notifications\.resolution\.text: unknown placeholder \{\{nmae\}\}/,
    );
  });
});
