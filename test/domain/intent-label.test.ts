import { describe, expect, it } from 'vitest';
import { defaultWorkflow, parseWorkflowConfig, workflowConfig } from '../../shared/config';
import {
  AgentActionRefusedError,
  AuditEventSchema,
  type DomainEvent,
  localisedTemplate,
  type PredictedIntent,
  type Ticket,
  TicketSchema,
  ticketCreatedEvent,
} from '../../shared/domain';
import { allowedIntents, labelIntent } from '../../shared/domain/intent-label';
import { customerLinks } from '../../shared/http/customer-links';
import type { OutgoingMail, TicketHistory } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';
import { aTicket, ids, T0 } from './builders';

// An agent's word on a ticket's intent (issue 19): confirmed or corrected against the prediction, or set
// where there was none; the label is what the next model learns from. And the mail in the ticket's language.

const AT = new Date(T0.getTime() + 3_600_000);
const agent = { kind: 'agent', id: 'alex@example.com' } as const;
const REQUEST_TYPES = Object.keys(workflowConfig.requestTypes);

const prediction = (name: string, confidence: number, others: string[] = []): PredictedIntent => ({
  name,
  confidence,
  top: [
    { name, confidence },
    ...others.map((o) => ({ name: o, confidence: (1 - confidence) / others.length })),
  ],
  modelVersion: 'intent-20261206T093000Z',
});

const ctx = (allowed: readonly string[]) => ({ actor: agent, at: AT, newId: ids(AT), allowed });

function labelled(ticket: Ticket, name: string, allowed: readonly string[] = REQUEST_TYPES) {
  const result = labelIntent(ticket, name, ctx(allowed));
  if (!result.ok) throw result.error;
  return result;
}

function refused(ticket: Ticket, name: string, allowed: readonly string[] = REQUEST_TYPES) {
  const result = labelIntent(ticket, name, ctx(allowed));
  if (result.ok) throw new Error(`labelling ${name} was accepted`);
  return result.error;
}

describe('allowedIntents', () => {
  it('is every request type, every intent the model knows and every predicted one, once each, sorted', () => {
    const ticket = aTicket({
      intent: { predicted: prediction('card_arrival', 0.7, ['lost_card', 'bug_report']) },
    });
    expect(
      allowedIntents(ticket, ['general_question', 'bug_report'], ['refund_request', 'card_arrival']),
    ).toEqual(['bug_report', 'card_arrival', 'general_question', 'lost_card', 'refund_request']);
  });

  it('is the request types and model intents for a ticket without a prediction', () => {
    expect(allowedIntents(aTicket(), ['b_type', 'a_type'], [])).toEqual(['a_type', 'b_type']);
    expect(allowedIntents(aTicket(), [], ['x'])).toEqual(['x']);
    expect(
      allowedIntents(aTicket({ intent: { label: { name: 'old', by: 'a', at: T0.toISOString() } } }), [], []),
    ).toEqual([]);
  });
});

describe('labelling an intent', () => {
  it('confirms the prediction: the ticket keeps it and gains the label, one revision on', () => {
    const p = prediction('billing_dispute', 0.72);
    const ticket = aTicket({ intent: { predicted: p }, auditSeq: 4, version: 3 });
    const { ticket: next, label, audit } = labelled(ticket, 'billing_dispute');
    expect(label).toEqual({ name: 'billing_dispute', by: 'alex@example.com', at: AT.toISOString() });
    expect(next.intent).toEqual({ predicted: p, label });
    expect(next.version).toBe(4);
    expect(next.auditSeq).toBe(5);
    expect(next.updatedAt).toBe(AT.toISOString());
    expect(TicketSchema.safeParse(next).success).toBe(true);
    expect(AuditEventSchema.parse(audit)).toMatchObject({
      ticketId: ticket.id,
      seq: 5,
      at: AT.toISOString(),
      actor: agent,
      action: 'intent.labelled',
      before: { predicted: 'billing_dispute', confidence: 0.72 },
      after: { label: 'billing_dispute', verdict: 'confirmed', modelVersion: 'intent-20261206T093000Z' },
    });
  });

  it('corrects the prediction to another intent', () => {
    const ticket = aTicket({ intent: { predicted: prediction('billing_dispute', 0.55) } });
    const { ticket: next, audit } = labelled(ticket, 'cancellation');
    expect(next.intent?.predicted?.name).toBe('billing_dispute');
    expect(next.intent?.label?.name).toBe('cancellation');
    expect(audit.before).toEqual({ predicted: 'billing_dispute', confidence: 0.55 });
    expect(audit.after).toEqual({
      label: 'cancellation',
      verdict: 'corrected',
      modelVersion: 'intent-20261206T093000Z',
    });
  });

  it('sets an intent on a ticket the model never saw, without a model version', () => {
    const ticket = aTicket();
    const { ticket: next, audit } = labelled(ticket, 'bug_report');
    expect(next.intent).toEqual({ label: { name: 'bug_report', by: agent.id, at: AT.toISOString() } });
    expect(audit.before).toEqual({});
    expect(audit.after).toEqual({ label: 'bug_report', verdict: 'set' });
  });

  it('replaces an earlier label, naming it in the audit, the verdict still against the prediction', () => {
    const ticket = aTicket({
      intent: {
        predicted: prediction('billing_dispute', 0.9),
        label: { name: 'cancellation', by: 'sam@example.com', at: T0.toISOString() },
      },
    });
    const { ticket: next, audit } = labelled(ticket, 'billing_dispute');
    expect(next.intent?.label).toEqual({ name: 'billing_dispute', by: agent.id, at: AT.toISOString() });
    expect(audit.before).toEqual({ predicted: 'billing_dispute', confidence: 0.9, label: 'cancellation' });
    expect(audit.after).toMatchObject({ label: 'billing_dispute', verdict: 'confirmed' });
  });

  it('trims the name it is given', () => {
    expect(labelled(aTicket(), '  bug_report\n').label.name).toBe('bug_report');
  });

  it('does not change the ticket it was given', () => {
    const ticket = aTicket({ intent: { predicted: prediction('billing_dispute', 0.6) } });
    const before = structuredClone(ticket);
    labelled(ticket, 'cancellation');
    expect(ticket).toEqual(before);
  });

  it("accepts a model intent that is no request type when it is allowed, like the prediction's runner-up", () => {
    const ticket = aTicket({ intent: { predicted: prediction('card_arrival', 0.5, ['lost_card']) } });
    const allowed = allowedIntents(ticket, REQUEST_TYPES, ['card_arrival']);
    expect(labelIntent(ticket, 'lost_card', ctx(allowed)).ok).toBe(true);
  });

  it('refuses a name that is not allowed (intent-known, 422), naming the allowed ones', () => {
    const error = refused(aTicket(), 'billing', ['bug_report', 'cancellation']);
    expect(error).toBeInstanceOf(AgentActionRefusedError);
    expect(error).toMatchObject({ rule: 'intent-known', kind: 'invalid' });
    expect(error.message).toBe('"billing" is not an intent here; choose one of: bug_report, cancellation');
    expect(error.issues).toEqual([{ path: 'intent', message: 'unknown intent "billing"' }]);
  });

  it('refuses a blank name and one that differs only in case', () => {
    expect(refused(aTicket(), '   ').rule).toBe('intent-known');
    expect(refused(aTicket(), 'Bug_Report').rule).toBe('intent-known');
  });

  it('refuses the label the ticket already has (nothing-changed), saying who gave it', () => {
    const ticket = aTicket({
      intent: {
        predicted: prediction('bug_report', 0.4),
        label: { name: 'cancellation', by: 'sam@example.com', at: T0.toISOString() },
      },
    });
    const error = refused(ticket, ' cancellation ');
    expect(error).toMatchObject({ rule: 'nothing-changed', kind: 'invalid' });
    expect(error.message).toBe(`${ticket.reference}'s intent is already cancellation (by sam@example.com)`);
  });

  it('allows confirming a prediction nobody labelled yet (the prediction alone is no label)', () => {
    const ticket = aTicket({ intent: { predicted: prediction('bug_report', 0.99) } });
    expect(labelled(ticket, 'bug_report').audit.after).toMatchObject({ verdict: 'confirmed' });
  });
});

describe('localisedTemplate', () => {
  const template = {
    subject: 'We received your request',
    text: 'Hello',
    locales: {
      de: { subject: 'Wir haben Ihre Anfrage erhalten', text: 'Hallo' },
      fr: { subject: 'Nous avons reçu votre demande', text: 'Bonjour' },
    },
  };

  it('takes the locale of the language, or of its base for a regional one, in any case', () => {
    expect(localisedTemplate(template, 'de')).toEqual(template.locales.de);
    expect(localisedTemplate(template, 'de-AT')).toEqual(template.locales.de);
    expect(localisedTemplate(template, 'DE')).toEqual(template.locales.de);
    expect(localisedTemplate(template, 'fr')).toEqual(template.locales.fr);
  });

  it('falls back to the default for another language, no language, or no locales', () => {
    const fallback = { subject: template.subject, text: template.text };
    expect(localisedTemplate(template, 'es')).toEqual(fallback);
    expect(localisedTemplate(template, undefined)).toEqual(fallback);
    expect(localisedTemplate(template, '')).toEqual(fallback);
    expect(localisedTemplate({ subject: 'S', text: 'T' }, 'de')).toEqual({ subject: 'S', text: 'T' });
  });

  it('answers only subject and text, never the locales', () => {
    expect(Object.keys(localisedTemplate(template, 'es')).sort()).toEqual(['subject', 'text']);
  });

  it('does not mistake inherited object keys for locales', () => {
    for (const language of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(localisedTemplate(template, language), language).toEqual({
        subject: template.subject,
        text: template.text,
      });
  });
});

describe('mail in the ticket’s language', () => {
  const NOW = new Date('2026-05-04T09:00:00.000Z');
  const base = structuredClone(defaultWorkflow);
  const config = parseWorkflowConfig({
    ...base,
    notifications: {
      ...base.notifications,
      acknowledgement: {
        ...base.notifications.acknowledgement,
        locales: {
          de: { subject: 'Anfrage erhalten: {{subject}}', text: 'Hallo, Ihr Ticket ist {{reference}}.' },
        },
      },
      escalation: {
        ...base.notifications.escalation,
        locales: { de: { subject: 'Eskaliert: {{subject}}', text: 'Eskaliert nach {{queue}}.' } },
      },
    },
  });

  async function mailFor(ticket: Ticket, event: DomainEvent): Promise<OutgoingMail> {
    const sent: OutgoingMail[] = [];
    const history: TicketHistory = { ticket, messages: [], audit: [] };
    const result = await sendNotification(event, {
      tickets: { history: async () => history, append: async () => ({ kind: 'appended' as const }) },
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          return 'sent-1@test';
        },
      },
      once: (_key, send) => send(),
      clock: { now: () => NOW },
      config,
      supportAddress: 'support@example.com',
      links: customerLinks({
        secret: async () => 'test-link-secret',
        publicBaseUrl: 'https://help.example.com/',
      }),
    });
    expect(result.kind).toBe('sent');
    const mail = sent[0];
    if (!mail) throw new Error('no mail sent');
    return mail;
  }

  it('acknowledges a German request in German, and others in the default', async () => {
    const german = aTicket({ channel: 'email', language: 'de', subject: 'Export kaputt', reference: 'FD-8' });
    const de = await mailFor(german, ticketCreatedEvent(german));
    expect(de.subject).toBe('Anfrage erhalten: Export kaputt [FD-8]');
    expect(de.text).toBe('Hallo, Ihr Ticket ist FD-8.');
    const english = aTicket({
      channel: 'email',
      language: 'en',
      subject: 'Export broken',
      reference: 'FD-9',
    });
    const en = await mailFor(english, ticketCreatedEvent(english));
    expect(en.subject).toBe('We received your request: Export broken [FD-9]');
  });

  it("keeps the team's internal notices in the default language", async () => {
    const german = aTicket({ language: 'de', subject: 'Export kaputt', reference: 'FD-8' });
    const escalated: DomainEvent = {
      type: 'ticket.escalated',
      detail: {
        ticketId: german.id,
        version: german.version,
        occurredAt: NOW.toISOString(),
        reference: german.reference,
        path: 'engineering-path',
        step: 1,
        cause: 'sla.breached',
        fromQueue: 'frontline',
        toQueue: 'engineering',
        tier: 3,
        notify: 'eng@example.com',
        acknowledgeBy: null,
      },
    };
    const mail = await mailFor(german, escalated);
    expect(mail.to).toBe('eng@example.com');
    expect(mail.subject).toMatch(/^Escalated to \w+: Export kaputt \[FD-8\]$/);
    expect(mail.text).not.toContain('Eskaliert');
  });
});
