import { ulid } from 'ulid';
import { DomainError } from './errors';
import * as z from './zod';

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

// Urgent sorts first in index keys (`<rank>#<createdAt>`), so a queue view is a plain ascending Query.
const PRIORITY_RANK: Readonly<Record<Priority, number>> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function priorityRank(priority: Priority): number {
  return PRIORITY_RANK[priority];
}

export const TicketState = z.enum([
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
  'resolved',
  'closed',
]);
export type TicketState = z.infer<typeof TicketState>;

export const Channel = z.enum(['webhook', 'email', 'form', 'event']);
export type Channel = z.infer<typeof Channel>;

/** Who a ticket is waiting for; `approval` is set by approval workflows, not by a state. */
export const BlockedOn = z.enum(['customer', 'team', 'approval']);
export type BlockedOn = z.infer<typeof BlockedOn>;

// Crockford base32, upper case as `ulid` emits it; the first character is at most 7 because the
// timestamp is 48 bits.
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const REFERENCE_PATTERN = /^FD-[1-9]\d*$/;

export const TicketId = z
  .string()
  .check(z.regex(ULID_PATTERN, 'must be a ULID (26 characters, Crockford base32)'));
export type TicketId = z.infer<typeof TicketId>;

export const Reference = z.string().check(z.regex(REFERENCE_PATTERN, 'must look like FD-<number>'));
export type Reference = z.infer<typeof Reference>;

export const IsoDateTime = z.iso.datetime();

export class InvalidReferenceError extends DomainError {
  override readonly name = 'InvalidReferenceError';
  readonly code = 'TICKET.INVALID_REFERENCE';
}

export function formatReference(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidReferenceError(`a ticket reference number must be a positive integer, got ${n}`);
  }
  return `FD-${n}`;
}

/** The number inside `FD-<n>`, or undefined when the text is not a reference we could have issued. */
export function parseReference(s: string): number | undefined {
  if (!REFERENCE_PATTERN.test(s)) return undefined;
  const n = Number(s.slice(3));
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isTicketId(s: unknown): s is TicketId {
  return typeof s === 'string' && ULID_PATTERN.test(s);
}

/**
 * The random part of ids, from the platform's cryptographic source (Web Crypto, a global in Node and
 * browsers) a few hundred bytes at a time: `ulid`'s own source asks it once per character, which made an
 * id cost ~0.1 ms of CPU, about a quarter of an intake request's own code.
 */
const randomBytes = new Uint8Array(512);
let randomAt = randomBytes.length;
function bufferedRandom(): number {
  if (randomAt >= randomBytes.length) {
    globalThis.crypto.getRandomValues(randomBytes);
    randomAt = 0;
  }
  // One byte per character: ulid takes floor(x × 32), so x = byte / 256 is uniform over the 32 symbols.
  return (randomBytes[randomAt++] ?? 0) / 256;
}

/** Ids are sortable by creation time; the time comes from the caller's clock so tests can fix it. */
export function newId(now: Date): string {
  return ulid(now.getTime(), bufferedRandom);
}

// Lower-cased so the requester index (`REQ#<email>`) finds one person under one key.
export const Email = z.email({ error: 'must be an email address' }).check(z.maxLength(254), z.toLowerCase());

export const Requester = z.object({
  email: Email,
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  accountId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type Requester = z.infer<typeof Requester>;

export const AccountContext = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  tier: z.optional(z.string().check(z.maxLength(64))),
  segment: z.optional(z.string().check(z.maxLength(64))),
  /** From the account directory: active, trial, past_due, suspended, cancelled. */
  status: z.optional(z.string().check(z.maxLength(32))),
  name: z.optional(z.string().check(z.maxLength(200))),
});
export type AccountContext = z.infer<typeof AccountContext>;

/** The request type's structured context, as text; the workflow config says which keys matter. */
export const FieldValues = z.record(z.string(), z.string());
export type FieldValues = z.infer<typeof FieldValues>;

/** Where one SLA target stands, as last recorded on the ticket by the SLA clock. */
export const TicketSlaTarget = z.object({
  target: z.enum(['firstResponse', 'nextResponse', 'resolution']),
  status: z.enum(['running', 'paused', 'met', 'breached', 'warning']),
  dueAt: z.nullable(IsoDateTime),
  warnAt: z.nullable(IsoDateTime),
  /** When `sla.warning` was published for this target (once per target and start). */
  warnedAt: z.optional(IsoDateTime),
  breachedAt: z.optional(IsoDateTime),
  metAt: z.optional(IsoDateTime),
  /** When this target's clock started (a new customer message restarts next response). */
  startedAt: z.optional(IsoDateTime),
});
export type TicketSlaTarget = z.infer<typeof TicketSlaTarget>;

export const TicketSla = z.object({
  /** `<policy>/<priority>`, e.g. `enterprise/urgent`. */
  policy: z.string(),
  targets: z.array(TicketSlaTarget),
  evaluatedAt: IsoDateTime,
});
export type TicketSla = z.infer<typeof TicketSla>;

/** The escalation a ticket is on: its path, the step reached, and whether the step was acknowledged. */
export const TicketEscalation = z.object({
  path: z.string(),
  /** 1-based step of the path. */
  step: z.int().check(z.minimum(1)),
  queue: z.string(),
  tier: z.int(),
  escalatedAt: IsoDateTime,
  /** Unacknowledged by then → the next step; null once acknowledged or at the last step's end. */
  acknowledgeBy: z.nullable(IsoDateTime),
  acknowledgedAt: z.optional(IsoDateTime),
  acknowledgedBy: z.optional(z.string()),
  /** Every cause that escalated this ticket, so a redelivered trigger escalates only once. */
  causes: z.array(z.string()),
});
export type TicketEscalation = z.infer<typeof TicketEscalation>;

/**
 * A link between two tickets; integration rules link a proactive ticket with the ones it explains. An
 * incident `affects` the tickets linked to it; each of them is `affected_by` it (incident.ts).
 */
export const TicketLink = z.object({
  ticketId: TicketId,
  reference: Reference,
  relation: z.enum(['related', 'duplicate_of', 'duplicated_by', 'affects', 'affected_by']),
  /** What made the link: `agent:<id>` or `integration:<rule>`. */
  by: z.string(),
  at: IsoDateTime,
});
export type TicketLink = z.infer<typeof TicketLink>;

/** A plain request, or an incident (one problem many requests share: shared/domain/incident.ts). */
export const TicketKind = z.enum(['ticket', 'incident']);
export type TicketKind = z.infer<typeof TicketKind>;

const shortText = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** Which new tickets an open incident takes at intake: any listed account, request type or keyword matches. */
export const IncidentRule = z.object({
  accountIds: z._default(
    z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(100)),
    [],
  ),
  requestTypes: z._default(
    z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(20)),
    [],
  ),
  /** Matched case-insensitively in the subject and the first message. */
  keywords: z._default(z.array(shortText(100)).check(z.maxLength(20)), []),
});
export type IncidentRule = z.infer<typeof IncidentRule>;

/** What makes a ticket an incident: its title, its intake rule, who declared it and when. */
export const IncidentDetails = z.object({
  title: shortText(200),
  rule: IncidentRule,
  declaredBy: z.string().check(z.minLength(1), z.maxLength(254)),
  declaredAt: IsoDateTime,
  /** When its first public update went out (time to first incident update, a flow metric). */
  firstUpdateAt: z.optional(IsoDateTime),
});
export type IncidentDetails = z.infer<typeof IncidentDetails>;

const intentName = z.string().check(z.minLength(1), z.maxLength(64));
const intentConfidence = z.number().check(z.gte(0), z.lte(1));

/** What the intent model said at intake (issue 19): the winner, its calibrated confidence, the top three. */
export const PredictedIntent = z.object({
  name: intentName,
  confidence: intentConfidence,
  /** Best first, at most three, the winner included. */
  top: z.array(z.object({ name: intentName, confidence: intentConfidence })).check(z.maxLength(3)),
  /** The model that predicted it (`npm run intent:train` writes a new version each time). */
  modelVersion: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type PredictedIntent = z.infer<typeof PredictedIntent>;

/** An agent's word on a ticket's intent: the prediction confirmed, or corrected; a label for the next training. */
export const IntentLabel = z.object({
  name: intentName,
  by: z.string().check(z.minLength(1), z.maxLength(254)),
  at: IsoDateTime,
});
export type IntentLabel = z.infer<typeof IntentLabel>;

/** The predicted intent and the agent's label; present when either exists. */
export const TicketIntent = z.object({
  predicted: z.optional(PredictedIntent),
  label: z.optional(IntentLabel),
});
export type TicketIntent = z.infer<typeof TicketIntent>;

export const TicketSchema = z.object({
  id: TicketId,
  /** Absent on items written before incidents existed: a plain ticket. */
  kind: z._default(TicketKind, 'ticket'),
  /** Set on incidents. */
  incident: z.optional(IncidentDetails),
  reference: Reference,
  channel: Channel,
  /** Where inside the channel it came from: a webhook source id, `email`, a form's request type… */
  source: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The channel's own id (webhook delivery id, Message-ID), kept for dedupe and support questions. */
  externalId: z.optional(z.string().check(z.minLength(1), z.maxLength(998))),
  requester: Requester,
  account: z.optional(AccountContext),
  requestType: z.string().check(z.minLength(1), z.maxLength(64)),
  // 998: the longest line RFC 5322 allows, so any mail subject fits.
  subject: z.string().check(z.minLength(1), z.maxLength(998)),
  // The defaults: an item stores none of these while it holds them (ticket-repository.ts).
  fields: z._default(FieldValues, {}),
  missingFields: z._default(z.array(z.string()), []),
  priority: Priority,
  queue: z.string().check(z.minLength(1)),
  assignee: z._default(z.nullable(z.string()), null),
  tags: z._default(z.array(z.string()), []),
  language: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
  /** The learned intent (issue 19); absent on tickets opened while no model existed and never labelled. */
  intent: z.optional(TicketIntent),
  state: TicketState,
  blockedOn: z._default(z.nullable(BlockedOn), null),
  slaPolicy: z.nullable(z.string()),
  /** The SLA targets as the clock last recorded them (met and breached targets stay). */
  sla: z.optional(TicketSla),
  escalation: z.optional(TicketEscalation),
  /** Approvals asked for and not yet decided (ids of `APPROVAL#<id>` items); while any is pending the ticket is blocked on `approval`. */
  pendingApprovals: z._default(z.array(z.string()), []),
  /** Tickets related to this one (by an agent, or by an integration rule), both ways. */
  links: z._default(z.array(TicketLink), []),
  /** Set for tickets opened by auto-replies, list mail or bounces: they never get an automatic mail. */
  suppressAutoMail: z._default(z.boolean(), false),
  /** The closed ticket this one follows up (a customer replied to it after it was closed). */
  followUpOf: z.optional(TicketId),
  /** When the current block began (null when not blocked); closed blocks add up in timeBlockedSeconds. */
  blockedSince: z._default(z.nullable(IsoDateTime), null),
  timeBlockedSeconds: z._default(z.partialRecord(BlockedOn, z.number()), {}),
  /** The last audit sequence number used; the next audit event takes auditSeq + 1. */
  auditSeq: z._default(z.int().check(z.minimum(0)), 0),
  version: z.int().check(z.minimum(1)),
  /**
   * The version of the last change that was not system bookkeeping (a mail recorded as sent, an SLA target
   * recorded): what `If-Match` is compared with. Absent on items written before it existed (then every
   * version counts, see contentVersionOf).
   */
  contentVersion: z.optional(z.int().check(z.minimum(1))),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Ticket = z.infer<typeof TicketSchema>;

/** A file that came with a message; the bytes live in the object store under `key`. */
export const Attachment = z.object({
  filename: z.string(),
  contentType: z.string(),
  size: z.int().check(z.minimum(0)),
  key: z.string(),
  risk: z.optional(z.enum(['archive', 'executable'])),
});
export type Attachment = z.infer<typeof Attachment>;

/** A request as a channel hands it over, before it has an id, a number or a triage result. */
export const TicketDraftSchema = z.object({
  channel: Channel,
  source: TicketSchema.shape.source,
  externalId: TicketSchema.shape.externalId,
  subject: TicketSchema.shape.subject,
  body: z.string(),
  requester: Requester,
  account: z.optional(AccountContext),
  requestType: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  fields: FieldValues,
  tags: z.array(z.string()),
  language: TicketSchema.shape.language,
  /** The intent model's prediction for the subject and first message (the intake use case asks it). */
  intent: z.optional(PredictedIntent),
  suppressAutoMail: z.optional(z.boolean()),
  followUpOf: z.optional(TicketId),
  /** Channel details kept on the first message (a mail's Message-ID, its attachments). */
  firstMessage: z.optional(
    z.object({
      messageId: z.optional(z.string()),
      attachments: z.optional(z.array(Attachment)),
      mailClass: z.optional(z.string()),
    }),
  ),
});
export type TicketDraft = z.infer<typeof TicketDraftSchema>;

export const MessageAuthor = z.object({
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  kind: z.enum(['customer', 'agent', 'system', 'integration']),
});
export type MessageAuthor = z.infer<typeof MessageAuthor>;

export const MessageSchema = z.object({
  id: TicketId,
  ticketId: TicketId,
  direction: z.enum(['inbound', 'outbound']),
  visibility: z.enum(['public', 'internal']),
  channel: Channel,
  author: MessageAuthor,
  subject: z.optional(z.string()),
  // Empty is legitimate: a mail with only attachments, a webhook carrying only fields.
  body: z.string(),
  /** RFC 5322 Message-ID (no angle brackets) of a mail received or sent, for threading. */
  messageId: z.optional(z.string()),
  /** Recipients of an outbound mail. */
  to: z.optional(z.array(z.string())),
  attachments: z._default(z.array(Attachment), []),
  /** How an inbound mail was classified for loop safety: human, auto_reply, list, bounce. */
  mailClass: z.optional(z.string()),
  /** The notification template an outbound mail was rendered from. */
  template: z.optional(z.string()),
  createdAt: IsoDateTime,
});
export type Message = z.infer<typeof MessageSchema>;
