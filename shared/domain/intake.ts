import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { DomainError, type Issue } from './errors';
import { type DomainEvent, ticketCreatedEvent } from './events';
import { openingSla } from './sla';
import { blockedOnFor } from './states';
import type { Message, Ticket, TicketDraft } from './ticket';
import { fieldLimitIssues } from './ticket-input';
import { triage } from './triage';

export interface OpenTicketContext {
  readonly config: WorkflowConfig;
  readonly now: Date;
  /** `FD-<n>`, taken from the counter by the caller: numbering needs storage, the domain does not. */
  readonly reference: string;
  readonly newId: () => string;
  /** Who brought the request in (the integration, the mail gateway, the form). */
  readonly actor: Actor;
}

export class IntakeRejectedError extends DomainError {
  override readonly name = 'IntakeRejectedError';
  readonly code = 'INTAKE.REJECTED';

  constructor(readonly issues: readonly Issue[]) {
    super(`The request was refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export type OpenTicketResult =
  | {
      readonly ok: true;
      readonly ticket: Ticket;
      readonly message: Message;
      /** In write order, `seq` 1..n. */
      readonly audit: AuditEvent[];
      readonly events: DomainEvent[];
    }
  | { readonly ok: false; readonly error: IntakeRejectedError };

// Triage is the system's decision, not the sender's, and the audit trail should say so.
const TRIAGE_ACTOR: Actor = { kind: 'system', id: 'triage' };

/**
 * A draft from any channel becomes a ticket, its first message and its opening audit trail.
 * Missing required context puts it straight into `needs_info` (blocked on the customer) rather
 * than refusing it: the request is real, only incomplete. Values that are wrong are refused.
 */
export function openTicket(draft: TicketDraft, ctx: OpenTicketContext): OpenTicketResult {
  const triaged = triage(draft, ctx.config);
  // Every door checks its fields already (ticket-input.ts); this is the last word before anything is stored.
  const invalid = [...triaged.invalidFields, ...fieldLimitIssues(triaged.fields)];
  if (invalid.length > 0) return { ok: false, error: new IntakeRejectedError(invalid) };

  const at = ctx.now.toISOString();
  const state = triaged.missingFields.length > 0 ? 'needs_info' : 'new';
  const opened: Ticket = {
    id: ctx.newId(),
    reference: ctx.reference,
    kind: 'ticket',
    channel: draft.channel,
    source: draft.source,
    ...(draft.externalId !== undefined ? { externalId: draft.externalId } : {}),
    requester: draft.requester,
    ...(draft.account !== undefined ? { account: draft.account } : {}),
    requestType: triaged.requestType,
    subject: draft.subject,
    fields: triaged.fields,
    missingFields: triaged.missingFields,
    priority: triaged.priority,
    queue: triaged.queue,
    assignee: null,
    tags: triaged.tags,
    ...(draft.language !== undefined ? { language: draft.language } : {}),
    ...(draft.intent !== undefined ? { intent: { predicted: draft.intent } } : {}),
    state,
    blockedOn: blockedOnFor(state),
    blockedSince: blockedOnFor(state) ? at : null,
    timeBlockedSeconds: {},
    pendingApprovals: [],
    links: [],
    slaPolicy: null,
    suppressAutoMail: draft.suppressAutoMail ?? false,
    ...(draft.followUpOf !== undefined ? { followUpOf: draft.followUpOf } : {}),
    // The opening audit trail below takes seq 1 and 2.
    auditSeq: 2,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };

  const message: Message = {
    id: ctx.newId(),
    ticketId: opened.id,
    direction: 'inbound',
    visibility: 'public',
    channel: draft.channel,
    author: {
      email: draft.requester.email,
      ...(draft.requester.name !== undefined ? { name: draft.requester.name } : {}),
      kind: 'customer',
    },
    subject: draft.subject,
    body: draft.body,
    ...(draft.firstMessage?.messageId !== undefined ? { messageId: draft.firstMessage.messageId } : {}),
    attachments: draft.firstMessage?.attachments ?? [],
    ...(draft.firstMessage?.mailClass !== undefined ? { mailClass: draft.firstMessage.mailClass } : {}),
    createdAt: at,
  };

  // The SLA clocks start at triage, which is now (seed 003).
  const ticket: Ticket = { ...opened, ...openingSla(opened, [message], ctx.config, ctx.now) };

  const audit = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: 1,
      at: ctx.now,
      actor: ctx.actor,
      action: 'ticket.created',
      before: null,
      after: {
        state,
        channel: ticket.channel,
        source: ticket.source,
        reference: ticket.reference,
        ...(ticket.suppressAutoMail ? { suppressAutoMail: true } : {}),
        ...(ticket.followUpOf ? { followUpOf: ticket.followUpOf } : {}),
      },
    }),
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: 2,
      at: ctx.now,
      actor: TRIAGE_ACTOR,
      action: 'ticket.triaged',
      before: null,
      after: {
        requestType: ticket.requestType,
        priority: ticket.priority,
        queue: ticket.queue,
        tags: ticket.tags,
        matchedRules: triaged.matchedRules,
        missingFields: ticket.missingFields,
        slaPolicy: ticket.slaPolicy,
        requestTypeBy: triaged.requestTypeBy,
        // The model's word and its version, so a triage decision can be traced to what decided it (issue 19).
        ...(draft.intent !== undefined
          ? {
              intent: {
                name: draft.intent.name,
                confidence: draft.intent.confidence,
                modelVersion: draft.intent.modelVersion,
              },
            }
          : {}),
        ...(ticket.language !== undefined ? { language: ticket.language } : {}),
      },
    }),
  ];

  const events: DomainEvent[] = [ticketCreatedEvent(ticket)];

  return { ok: true, ticket, message, audit, events };
}
