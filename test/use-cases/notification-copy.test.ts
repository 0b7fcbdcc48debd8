import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, ticketCreatedEvent } from '../../shared/domain';
import { customerLinks } from '../../shared/http/customer-links';
import type { OutgoingMail, TicketHistory } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';

// The mail a new requester actually gets, with the ticket held in memory: greeted by name or neutrally,
// and asked by example only for what is missing.
const NOW = new Date('2026-05-04T09:00:00.000Z');

function aDispute(fields: Record<string, string>, name?: string): Ticket {
  const opened = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      subject: 'Invoice wrong',
      body: 'The invoice charges twice',
      requester: { email: 'dana@bigcorp.example', ...(name ? { name } : {}) },
      requestType: 'billing_dispute',
      fields,
      tags: [],
    },
    {
      config: workflowConfig,
      now: NOW,
      reference: 'FD-41',
      newId: () => newId(NOW),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!opened.ok) throw opened.error;
  return opened.ticket;
}

async function mailFor(ticket: Ticket): Promise<OutgoingMail> {
  const sent: OutgoingMail[] = [];
  const history: TicketHistory = { ticket, messages: [], audit: [] };
  await sendNotification(ticketCreatedEvent(ticket), {
    tickets: { history: async () => history, append: async () => ({ kind: 'appended' as const }) },
    mailer: {
      send: async (mail) => {
        sent.push(mail);
        return 'sent-1@test';
      },
    },
    once: (_key, send) => send(),
    clock: { now: () => NOW },
    config: workflowConfig,
    supportAddress: 'support@example.com',
    links: customerLinks({
      secret: async () => 'test-link-secret',
      publicBaseUrl: 'https://help.example.com/',
    }),
  });
  const mail = sent[0];
  if (!mail) throw new Error('no mail sent');
  return mail;
}

describe('the copy of a needs-info mail', () => {
  it('greets a nameless requester with "Hello," and gives no invoice example when only the customer ID is asked', async () => {
    const mail = await mailFor(aDispute({ invoiceId: 'INV-9' }));
    expect(mail.text.startsWith('Hello,\n')).toBe(true);
    expect(mail.text).toContain('  - Customer ID');
    expect(mail.text).not.toMatch(/Hello there|INV-1234/);
  });

  it('greets the requester by name and shows the example of the invoice ID when that is asked', async () => {
    const mail = await mailFor(aDispute({ customerId: 'C-9' }, 'Dana'));
    expect(mail.text.startsWith('Hello Dana,\n')).toBe(true);
    expect(mail.text).toContain('then the value.\nFor example:\n  Invoice ID: INV-1234\n');
  });
});
