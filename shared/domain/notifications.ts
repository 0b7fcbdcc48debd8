import type { Template, WorkflowConfig } from '../config/schema';
import type { DomainEvent } from './events';
import type { Ticket } from './ticket';

export type TemplateName =
  | 'acknowledgement'
  | 'needsInfo'
  | 'agentReply'
  | 'resolution'
  | 'escalation'
  | 'approvalRequest'
  | 'approvalReminder'
  | 'approvalDecision'
  | 'proactive'
  | 'reminder'
  | 'statusUpdate'
  | 'followUp'
  | 'noReplyResolution'
  | 'teamNudge'
  | 'idleNotice';

export interface PlannedMail {
  readonly template: TemplateName;
  readonly to: string;
  /** Automatic mails carry `Auto-Submitted: auto-replied` (RFC 3834); an agent's reply does not. */
  readonly automatic: boolean;
  /** Sent by the ticket's clock on its own, not in answer to anything: `Auto-Submitted: auto-generated`. */
  readonly generated?: boolean;
  /** Same event redelivered, or announced again, yields the same key: a mail is sent once. */
  readonly idempotencyKey: string;
  /** To the team, not the customer: recorded as an internal message and not threaded to the customer's mail. */
  readonly internal?: boolean;
}

export type Plan = { readonly mail: PlannedMail } | { readonly skip: string };

/**
 * Which mail, if any, a domain event asks for. Loop safety lives here: a ticket opened by an
 * auto-reply, list mail or bounce never receives an automatic mail.
 */
export function planNotification(
  event: DomainEvent,
  ticket: Ticket,
  config: Pick<WorkflowConfig, 'notifications'>,
): Plan {
  const to = ticket.requester.email;
  const key = (template: TemplateName) => `${ticket.id}:${event.type}:${event.detail.version}:${template}`;
  const automatic = (template: TemplateName): Plan =>
    ticket.suppressAutoMail
      ? { skip: 'the ticket came from an auto-reply, list mail or bounce: no automatic mail' }
      : { mail: { template, to, automatic: true, idempotencyKey: key(template) } };
  const generated = (template: TemplateName): Plan => {
    const plan = automatic(template);
    return 'mail' in plan ? { mail: { ...plan.mail, generated: true } } : plan;
  };

  switch (event.type) {
    case 'ticket.created': {
      // Context supplied before this ran (a quick agent or customer): the plain acknowledgement instead.
      if (event.detail.state === 'needs_info' && ticket.state === 'needs_info') return automatic('needsInfo');
      if (!config.notifications.acknowledgement.channels.includes(ticket.channel)) {
        return { skip: `no acknowledgement for the ${ticket.channel} channel` };
      }
      return automatic('acknowledgement');
    }
    case 'ticket.state_changed': {
      if (event.detail.to === 'needs_info' && ticket.state === 'needs_info') return automatic('needsInfo');
      if (event.detail.to === 'resolved')
        return event.detail.cause === 'automation:no_reply'
          ? generated('noReplyResolution')
          : automatic('resolution');
      return { skip: `no mail for ${event.detail.from} → ${event.detail.to}` };
    }
    case 'ticket.message_added': {
      const d = event.detail;
      if (!d.deliver || d.direction !== 'outbound' || d.visibility !== 'public')
        return { skip: 'not an outbound public reply' };
      if (d.authorKind === 'agent')
        return { mail: { template: 'agentReply', to, automatic: false, idempotencyKey: key('agentReply') } };
      // A proactive mail an integration rule wrote (seed 003: subscription cancelled → proactive email).
      if (d.authorKind === 'integration') return automatic('proactive');
      return { skip: `no delivery for a ${d.authorKind} message` };
    }
    case 'ticket.escalated': {
      // The receiving group hears about it, whatever the ticket came from (an internal notice).
      const group = event.detail.notify;
      if (!group) return { skip: `no address to notify for queue ${event.detail.toQueue}` };
      return {
        mail: {
          template: 'escalation',
          to: group,
          automatic: true,
          internal: true,
          idempotencyKey: key('escalation'),
        },
      };
    }
    case 'approval.requested': {
      // Internal: the approver group is asked (and reminded), whatever the ticket came from.
      const d = event.detail;
      const template = d.round === 'reminder' ? 'approvalReminder' : 'approvalRequest';
      return {
        mail: {
          template,
          to: d.notify,
          automatic: true,
          internal: true,
          idempotencyKey: `${key(template)}:${d.approvalId}:${d.group}:${d.round}`,
        },
      };
    }
    case 'approval.decided': {
      // The agent who asked hears the outcome (an agent id that is not an address gets no mail).
      const asker = event.detail.requestedBy;
      if (!asker.includes('@')) return { skip: `requester ${asker} has no address` };
      return {
        mail: {
          template: 'approvalDecision',
          to: asker,
          automatic: true,
          internal: true,
          idempotencyKey: `${key('approvalDecision')}:${event.detail.approvalId}`,
        },
      };
    }
    case 'automation.reminder':
      // A reminder for a wait the customer already ended (they replied since) is moot.
      return ticket.state === event.detail.state ? generated('reminder') : { skip: 'the customer answered' };
    case 'automation.status_update':
      return ticket.state === 'waiting_on_team' ? generated('statusUpdate') : { skip: 'no longer waiting' };
    case 'automation.follow_up':
      return ticket.state === 'resolved' ? generated('followUp') : { skip: `the ticket is ${ticket.state}` };
    case 'automation.team_nudge':
    case 'automation.idle': {
      const to = event.detail.notify;
      if (!to) return { skip: `no address to notify for queue ${event.detail.queue}` };
      const template = event.type === 'automation.idle' ? 'idleNotice' : 'teamNudge';
      return {
        mail: {
          template,
          to,
          automatic: true,
          generated: true,
          internal: true,
          idempotencyKey: key(template),
        },
      };
    }
    case 'automation.auto_resolved':
    case 'automation.auto_closed':
    case 'sla.warning':
    case 'sla.breached':
    case 'ticket.assigned':
    case 'ticket.handed_off':
    case 'ticket.priority_changed':
    case 'csat.submitted':
    // An incident's fan-out mails through the linked tickets' own events (incident-fan-out.ts).
    case 'incident.fan_out':
      return { skip: `no mail for ${event.type}` };
  }
}

/**
 * The template in the requester's language: `locales.de` for a ticket in `de` or `de-AT`, else the default
 * (a ticket without a detected language, or one the team wrote no copy for).
 */
export function localisedTemplate(
  template: Pick<Template, 'subject' | 'text' | 'locales'>,
  language: string | undefined,
): Pick<Template, 'subject' | 'text'> {
  const base = language?.toLowerCase().split('-')[0];
  const locales = template.locales ?? {};
  const chosen = base !== undefined && Object.hasOwn(locales, base) ? locales[base] : undefined;
  return chosen ?? { subject: template.subject, text: template.text };
}

/** `{{name}}` placeholders filled from `vars`; the subject always carries `[FD-<n>]` for threading. */
export function renderTemplate(
  template: Pick<Template, 'subject' | 'text'>,
  vars: Readonly<Record<string, string>>,
  reference: string,
): { subject: string; text: string } {
  const fill = (s: string) => s.replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_, name: string) => vars[name] ?? '');
  const subject = fill(template.subject).replace(/\s+/g, ' ').trim();
  const tagged = subject.includes(`[${reference}]`) ? subject : `${subject} [${reference}]`;
  return { subject: tagged, text: fill(template.text) };
}
