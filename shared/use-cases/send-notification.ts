import type { WorkflowConfig } from '../config';
import {
  type AuditEvent,
  auditEvent,
  type DomainEvent,
  formatMoney,
  localisedTemplate,
  type Message,
  newId,
  nextRevision,
  planNotification,
  renderTemplate,
  type Ticket,
} from '../domain';
import { CSAT_LINK_DAYS, resolutionOf } from '../domain/csat';
import { incidentLinksOf, incidentNotice } from '../domain/incident';
import { latestResolution } from '../domain/incident-fan-out';
import { approvalResult, greeting, replyExample } from '../domain/mail-copy';
import { RESOLUTION_LINK_DAYS } from '../domain/resolution-answer';
import { suggestedArticlesText } from './deflection-mail';
import {
  type ArticleSearchPort,
  type Clock,
  ConcurrentUpdateError,
  type CustomerLinks,
  type Mailer,
  type OutgoingMail,
  type TicketRepositoryPort,
} from './ports';

export interface SendNotificationPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'history' | 'append'>;
  readonly mailer: Mailer;
  /** Runs `send` at most once per key (Powertools idempotency in the handler), answering its Message-ID. */
  readonly once: (key: string, send: () => Promise<string>) => Promise<string>;
  /** The signed links a mail carries (needs-info form, survey, "is it solved?"), as URLs. */
  readonly links: CustomerLinks;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
  readonly supportAddress: string;
  /** The help articles the acknowledgement suggests (issue 18); without it, it suggests none. */
  readonly search?: ArticleSearchPort;
}

export type NotificationResult =
  | { readonly kind: 'sent'; readonly template: string; readonly messageId: string }
  | { readonly kind: 'skipped'; readonly reason: string };

const MAX_CONFLICT_RETRIES = 3;

/**
 * A domain event may ask for a mail to the requester.
 * Primary course:
 *  1. read the ticket and its conversation;
 *  2. plan: which template, if any (loop safety: no automatic mail for auto-submitted/list/bounce tickets);
 *  3. render it ([FD-<n>] in the subject; needs-info mails carry a signed, expiring link);
 *  4. send it at most once per (ticket, event, version, template), threaded to the customer's mail;
 *  5. record the outbound message and its Message-ID, so replies thread back to this ticket.
 */
export async function sendNotification(
  event: DomainEvent,
  ports: SendNotificationPorts,
): Promise<NotificationResult> {
  const history = await ports.tickets.history(event.detail.ticketId);
  if (!history) return { kind: 'skipped', reason: `ticket ${event.detail.ticketId} not found` };
  const plan = planNotification(event, history.ticket, ports.config);
  if ('skip' in plan) return { kind: 'skipped', reason: plan.skip };
  const { mail: planned } = plan;
  const { ticket, messages } = history;

  const now = ports.clock.now();
  const vars = await variables(event, ticket, messages, history.audit, ports, now);
  // The requester reads their own language when the team wrote it; the team's notices stay in the default.
  const template = ports.config.notifications[planned.template];
  const rendered = renderTemplate(
    planned.internal ? template : localisedTemplate(template, ticket.language),
    vars,
    ticket.reference,
  );

  // Thread onto the customer's own mail: the newest inbound Message-ID, plus the whole chain.
  const threadIds = messages.flatMap((m) => (m.messageId ? [m.messageId] : []));
  const lastInbound = [...messages]
    .reverse()
    .find((m) => m.direction === 'inbound' && m.messageId)?.messageId;
  const outgoing: OutgoingMail = {
    from: ports.supportAddress,
    to: planned.to,
    subject: rendered.subject,
    text: rendered.text,
    // A notice to the team is its own thread: it must not look like part of the customer's conversation.
    inReplyTo: planned.internal ? undefined : lastInbound,
    references: planned.internal ? [] : threadIds.slice(-20),
    autoSubmitted: planned.automatic && (planned.generated ? 'auto-generated' : 'auto-replied'),
  };
  const messageId = await ports.once(planned.idempotencyKey, () => ports.mailer.send(outgoing));
  await record(ticket.id, planned, outgoing, messageId, event, ports);
  return { kind: 'sent', template: planned.template, messageId };
}

async function variables(
  event: DomainEvent,
  ticket: Ticket,
  messages: readonly Message[],
  audit: readonly AuditEvent[],
  ports: SendNotificationPorts,
  now: Date,
): Promise<Record<string, string>> {
  const spec = ports.config.requestTypes[ticket.requestType];
  const labels = ticket.missingFields.map((name) => spec?.fields[name]?.label ?? name);
  const vars: Record<string, string> = {
    reference: ticket.reference,
    subject: ticket.subject,
    greeting: greeting(ticket.requester.name),
    requesterName: ticket.requester.name ?? '',
    requestTypeLabel: spec?.label ?? ticket.requestType,
    missingFields: labels.map((l) => `  - ${l}`).join('\n'),
    replyExample: replyExample(ticket.missingFields, spec?.fields),
    link: '',
    linkExpiresAt: '',
    body: '',
    queue: ports.config.queues[ticket.queue]?.name ?? ticket.queue,
    priority: ticket.priority,
    escalationPath: '',
    escalationStep: '',
    escalationReason: '',
    acknowledgeBy: '',
    approvalKind: '',
    approvalAmount: '',
    approvalSummary: '',
    approvalPolicy: '',
    approvalRequestedBy: '',
    approvalExpireAt: '',
    approvalOutcome: '',
    approvalResult: '',
    approvalReason: '',
    csatLink: '',
    waitingSince: '',
    latestUpdate: '',
    solvedLink: '',
    notSolvedLink: '',
    incidentNotice: '',
    resolutionNote: '',
    suggestedArticles: '',
  };
  Object.assign(vars, await incidentVariables(event, ticket, audit, ports));
  if (event.type === 'approval.requested' || event.type === 'approval.decided') {
    const d = event.detail;
    vars.approvalKind = d.kind.replace('_', ' ');
    vars.approvalAmount = d.amount ? formatMoney(d.amount) : '';
    vars.approvalSummary = d.summary;
    vars.approvalPolicy = ports.config.approvalPolicies[d.policy]?.description ?? d.policy;
    vars.approvalRequestedBy = d.requestedBy;
    vars.approvalExpireAt = d.expireAt ? new Date(d.expireAt).toUTCString() : '';
    if (event.type === 'approval.decided') {
      vars.approvalOutcome = event.detail.outcome;
      vars.approvalResult = approvalResult(event.detail.outcome);
      vars.approvalReason = event.detail.reason;
    }
  }
  if (event.type === 'ticket.escalated') {
    const d = event.detail;
    vars.queue = ports.config.queues[d.toQueue]?.name ?? d.toQueue;
    vars.escalationPath = d.path;
    vars.escalationStep = String(d.step);
    vars.escalationReason = d.cause.startsWith('manual:')
      ? 'an agent asked for it'
      : d.cause.startsWith('unacknowledged:')
        ? 'the previous step was not acknowledged in time'
        : d.cause.replace(':', ' on ');
    vars.acknowledgeBy = d.acknowledgeBy
      ? new Date(d.acknowledgeBy).toUTCString()
      : 'no further step (last on the path)';
  }
  if (ticket.missingFields.length > 0) {
    const expiresAt =
      Math.floor(now.getTime() / 1000) + ports.config.notifications.needsInfoLinkDays * 86_400;
    vars.link = await ports.links.needsInfo({ ticketId: ticket.id, fields: ticket.missingFields, expiresAt });
    vars.linkExpiresAt = new Date(expiresAt * 1000).toUTCString();
  }
  // Only the resolution mail asks for a rating, and only of the resolution it announces (one survey each).
  // (The clock's follow-up after a resolution asks the same question of the same resolution.)
  if (
    (event.type === 'ticket.state_changed' && event.detail.to === 'resolved') ||
    event.type === 'automation.follow_up'
  ) {
    const resolution = resolutionOf(audit, event.detail.occurredAt);
    if (resolution) {
      vars.csatLink = await ports.links.csat({
        ticketId: ticket.id,
        resolution: resolution.seq,
        expiresAt: Math.floor(now.getTime() / 1000) + CSAT_LINK_DAYS * 86_400,
      });
      // "Is it solved?" for the same resolution: a link from an older one never closes or reopens it.
      const answerUrl = await ports.links.resolution({
        ticketId: ticket.id,
        resolution: resolution.seq,
        expiresAt: Math.floor(now.getTime() / 1000) + RESOLUTION_LINK_DAYS * 86_400,
      });
      vars.solvedLink = `${answerUrl}?answer=solved`;
      vars.notSolvedLink = `${answerUrl}?answer=not_solved`;
    }
  }
  if (event.type === 'ticket.created' && ports.search) {
    const description = messages.find((m) => m.direction === 'inbound')?.body ?? '';
    vars.suggestedArticles = await suggestedArticlesText(
      ticket,
      description,
      { search: ports.search, links: ports.links },
      now,
    );
  }
  if (event.type === 'ticket.message_added') {
    vars.body = messages.find((m) => m.id === event.detail.messageId)?.body ?? '';
  }
  const waitingSince =
    event.type.startsWith('automation.') && 'since' in event.detail
      ? event.detail.since
      : event.type === 'ticket.state_changed' && event.detail.cause === 'automation:no_reply'
        ? [...audit].reverse().find((a) => a.action === 'automation.auto_resolved')?.after?.since
        : undefined;
  if (typeof waitingSince === 'string') {
    vars.waitingSince = new Date(waitingSince).toUTCString();
    // A status update carries the team's latest public word since the wait began.
    const news = messages
      .filter(
        (m) =>
          m.direction === 'outbound' &&
          m.visibility === 'public' &&
          m.author.kind === 'agent' &&
          m.createdAt >= waitingSince,
      )
      .at(-1);
    vars.latestUpdate = news?.body ?? 'no news yet: the team is still working on it.';
  }
  return vars;
}

/**
 * Incidents in a requester's mail: the acknowledgement of a ticket linked at intake names the incident;
 * the resolution mail of a ticket an incident resolved carries its note.
 */
async function incidentVariables(
  event: DomainEvent,
  ticket: Ticket,
  audit: readonly AuditEvent[],
  ports: SendNotificationPorts,
): Promise<Record<string, string>> {
  if (event.type === 'ticket.created') {
    const link = incidentLinksOf(ticket)[0];
    const incident = link ? (await ports.tickets.history(link.ticketId))?.ticket : undefined;
    return incident ? { incidentNotice: incidentNotice(incident) } : {};
  }
  if (event.type === 'ticket.state_changed' && event.detail.cause?.startsWith('incident:')) {
    const note = latestResolution(audit)?.reason;
    return note ? { resolutionNote: ` ${note}` } : {};
  }
  return {};
}

/** The mail as an outbound message on the ticket, its Message-ID threaded, and an audit line. */
async function record(
  ticketId: string,
  planned: { template: string; internal?: boolean },
  mail: OutgoingMail,
  messageId: string,
  event: DomainEvent,
  ports: SendNotificationPorts,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const history = await ports.tickets.history(ticketId);
    if (!history) return;
    const { ticket } = history;
    // Already recorded by an earlier delivery of this event (the send itself was deduplicated).
    if (history.messages.some((m) => m.messageId === messageId)) return;
    const now = ports.clock.now();
    const at = now.toISOString();
    const next = nextRevision(ticket, now);
    // An agent's reply already is a message; an automatic mail becomes one.
    const messages: Message[] =
      event.type === 'ticket.message_added'
        ? []
        : [
            {
              id: newId(now),
              ticketId,
              direction: 'outbound',
              visibility: planned.internal ? 'internal' : 'public',
              channel: 'email',
              author: { kind: 'system', email: mail.from },
              subject: mail.subject,
              body: mail.text,
              messageId,
              to: [mail.to],
              attachments: [],
              template: planned.template,
              createdAt: at,
            },
          ];
    const audit: AuditEvent[] = [
      auditEvent({
        newId: () => newId(now),
        ticketId,
        seq: next.auditSeq,
        at: now,
        actor: { kind: 'system', id: 'notifications' },
        action: 'mail.sent',
        before: null,
        after: {
          template: planned.template,
          to: mail.to,
          messageId,
          cause: `${event.type}@${event.detail.version}`,
        },
      }),
    ];
    try {
      await ports.tickets.append({
        ticket: next,
        expectedVersion: ticket.version,
        messages,
        audit,
        threadIds: planned.internal ? [] : [messageId],
      });
      return;
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
    }
  }
}
