/**
 * A requester's erasure (issue 22, GDPR art. 17) and the retention purge of a closed ticket: the job an
 * admin asks for, its audit trail, and the redaction that replaces personal data by a stable pseudonym.
 * Pure: the use case (shared/use-cases/privacy-erasure.ts) finds where the data lives and writes it back.
 *
 * One redaction serves both: an erasure redacts every ticket of one requester and then everything else
 * that still names them; retention redacts one closed ticket whose time is up. What stays: ids, states,
 * times, queues, request types, priorities, SLA records, numbers (what metrics are computed from). What
 * goes: addresses and names (→ the pseudonym), subjects, message bodies, field values and attachments.
 */
import { type Actor, Actor as ActorSchema } from './audit';
import { DomainError } from './errors';
import { Email, IsoDateTime, type Message, type Ticket, TicketId } from './ticket';
import * as z from './zod';

/** What replaces a subject, a body, a field value or any text that was theirs. */
export const ERASED_TEXT = '[erased]';
/** The name every erased requester gets. */
export const ERASED_NAME = 'Erased requester';
/** The pseudonyms' domain: `.invalid` is reserved (RFC 2606), so no mail is ever sent to one. */
export const ERASED_DOMAIN = 'erased.invalid';

/** The tag the tracking ticket of an erasure carries (approval policies and routing rules can match it). */
export const ERASURE_TAG = 'privacy-erasure';
/** The tracking ticket's `source`. */
export const ERASURE_SOURCE = 'privacy';

/** An erasure that cannot be asked for: `already-erased` (a pseudonym), `approval-policy` (none would approve it). */
export class ErasureRefusedError extends DomainError {
  override readonly name = 'ErasureRefusedError';
  readonly code = 'ERASURE.REFUSED';
  constructor(
    readonly rule: 'already-erased' | 'approval-policy',
    message: string,
  ) {
    super(message);
  }
}

export const ErasureState = z.enum([
  'awaiting_approval',
  'approved',
  'running',
  'done',
  'rejected',
  'failed',
]);
export type ErasureState = z.infer<typeof ErasureState>;

const count = z.int().check(z.minimum(0));

export const ErasureJobSchema = z.object({
  /** The id of the ticket the erasure is tracked (and approved) on. */
  erasureId: TicketId,
  /** Whose data: their address until the erasure is done, then the pseudonym. */
  requester: Email,
  /** The stable pseudonym their records carry afterwards (not derived from the address). */
  pseudonym: Email,
  state: ErasureState,
  reason: z.string().check(z.maxLength(2000)),
  requestedBy: z.string().check(z.minLength(1), z.maxLength(254)),
  requestedAt: IsoDateTime,
  reference: z.optional(z.string()),
  approvalId: z.optional(TicketId),
  /** Who approved (or rejected), when. */
  decidedBy: z.optional(z.array(z.string())),
  decidedAt: z.optional(IsoDateTime),
  startedAt: z.optional(IsoDateTime),
  finishedAt: z.optional(IsoDateTime),
  /** Where the run is: tickets redacted, then the table swept (items read). */
  progress: z.object({
    phase: z.enum(['waiting', 'tickets', 'sweep', 'objects', 'done']),
    done: count,
    total: count,
  }),
  counts: z.optional(
    z.object({
      tickets: count,
      messages: count,
      objects: count,
      itemsScanned: count,
      itemsRewritten: count,
      itemsDeleted: count,
    }),
  ),
  problem: z.optional(z.string().check(z.maxLength(1000))),
});
export type ErasureJob = z.infer<typeof ErasureJobSchema>;

/** The erasure's own audit trail (beside its job; it names the requester only by the pseudonym). */
export const ErasureAuditSchema = z.object({
  erasureId: TicketId,
  at: IsoDateTime,
  actor: ActorSchema,
  action: z.enum([
    'privacy.erasure_requested',
    'privacy.erasure_approved',
    'privacy.erasure_rejected',
    'privacy.erasure_completed',
    'privacy.erasure_failed',
  ]),
  /** The pseudonym, never the address: the trail outlives the data. */
  requester: Email,
  detail: z.optional(z.record(z.string(), z.unknown())),
});
export type ErasureAudit = z.infer<typeof ErasureAuditSchema>;

/** The pseudonym of an erasure: fixed by its id, so every record of the requester carries the same one. */
export function erasurePseudonym(erasureId: string): string {
  return `erased-${erasureId.toLowerCase()}@${ERASED_DOMAIN}`;
}

/** The pseudonym of a ticket purged by retention (one per ticket: retention looks at no other ticket). */
export function retentionPseudonym(ticketId: string): string {
  return `expired-${ticketId.toLowerCase()}@${ERASED_DOMAIN}`;
}

export function isPseudonym(email: string): boolean {
  return email.toLowerCase().endsWith(`@${ERASED_DOMAIN}`);
}

export function newErasureJob(input: {
  erasureId: string;
  requester: string;
  reason: string;
  requestedBy: Actor;
  reference: string;
  at: Date;
}): { job: ErasureJob; audit: ErasureAudit } {
  const at = input.at.toISOString();
  const pseudonym = erasurePseudonym(input.erasureId);
  return {
    job: {
      erasureId: input.erasureId,
      requester: input.requester.toLowerCase(),
      pseudonym,
      state: 'awaiting_approval',
      reason: input.reason,
      requestedBy: input.requestedBy.id,
      requestedAt: at,
      reference: input.reference,
      progress: { phase: 'waiting', done: 0, total: 0 },
    },
    audit: {
      erasureId: input.erasureId,
      at,
      actor: input.requestedBy,
      action: 'privacy.erasure_requested',
      requester: pseudonym,
    },
  };
}

/**
 * What a redaction looks for and what it puts instead. `texts` are whole strings that were theirs
 * (subjects, bodies, file names, field values): each is replaced where it appears; `email` and `names`
 * are replaced by the pseudonym wherever they appear inside any text.
 */
export interface Redaction {
  readonly email: string;
  readonly names: readonly string[];
  readonly texts: readonly string[];
  readonly pseudonym: string;
  /** Their tickets: any record naming one of these ids is about them. */
  readonly ticketIds: ReadonlySet<string>;
}

/** Texts shorter than this are not looked for at all ("Hi" is nobody's). */
const MIN_WHOLE_TEXT = 4;
/** Texts shorter than this are replaced only where they are a whole value, never inside other text. */
const MIN_INNER_TEXT = 12;
/** Names shorter than this are not looked for inside other text ("Al" is in "Always"). */
const MIN_NAME = 3;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Matchers {
  readonly whole: ReadonlySet<string>;
  readonly inner: readonly RegExp[];
  readonly email: RegExp;
  readonly names: readonly RegExp[];
}

const matcherCache = new WeakMap<Redaction, Matchers>();

function matchersOf(r: Redaction): Matchers {
  const cached = matcherCache.get(r);
  if (cached) return cached;
  const texts = [
    ...new Set(r.texts.map((t) => t.trim()).filter((t) => t.length >= MIN_WHOLE_TEXT && t !== ERASED_TEXT)),
  ];
  const made: Matchers = {
    whole: new Set(texts),
    // Longest first, so a body is replaced before a sentence inside it.
    inner: texts
      .filter((t) => t.length >= MIN_INNER_TEXT)
      .toSorted((a, b) => b.length - a.length)
      .map((t) => new RegExp(escapeRegExp(t), 'gi')),
    email: new RegExp(escapeRegExp(r.email), 'gi'),
    names: [...new Set(r.names.map((n) => n.trim()).filter((n) => n.length >= MIN_NAME))]
      .toSorted((a, b) => b.length - a.length)
      .map((n) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, 'giu')),
  };
  matcherCache.set(r, made);
  return made;
}

/** One string with everything of theirs replaced (unchanged when there is nothing of theirs in it). */
export function redactText(text: string, r: Redaction): string {
  const m = matchersOf(r);
  if (m.whole.has(text.trim())) return ERASED_TEXT;
  let out = text;
  for (const re of m.inner) out = out.replace(re, ERASED_TEXT);
  out = out.replace(m.email, r.pseudonym);
  for (const re of m.names) out = out.replace(re, ERASED_NAME);
  return out;
}

/**
 * Any JSON value with every string redacted (keys of objects too). Returns the same reference when
 * nothing changed, so a caller writes back only what did.
 */
export function redactValue<T>(value: T, r: Redaction): T {
  if (typeof value === 'string') return redactText(value, r) as T;
  if (Array.isArray(value)) {
    const next = value.map((v) => redactValue(v, r));
    return next.some((v, i) => v !== value[i]) ? (next as T) : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = redactText(k, r);
      const val = redactValue(v, r);
      if (key !== k || val !== v) changed = true;
      next[key] = val;
    }
    return changed ? (next as T) : value;
  }
  return value;
}

/** Whether a value names the requester (their address or a name, anywhere) or one of their tickets. */
export function mentions(value: unknown, r: Redaction): boolean {
  if (typeof value === 'string') {
    if (r.ticketIds.has(value)) return true;
    const m = matchersOf(r);
    m.email.lastIndex = 0;
    if (m.email.test(value)) return true;
    return m.names.some((re) => {
      re.lastIndex = 0;
      return re.test(value);
    });
  }
  if (Array.isArray(value)) return value.some((v) => mentions(v, r));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => mentions(k, r) || mentions(v, r));
  return false;
}

/**
 * The free texts of a ticket's record (subject, bodies, file names), looked for elsewhere: copies of them
 * in other records go too. Field values are not (an invoice id or a customer id also keys other records);
 * the ticket's own are wiped with it.
 */
export function textsOf(ticket: Ticket, messages: readonly Message[]): string[] {
  return [
    ticket.subject,
    ...messages.flatMap((m) => [
      m.body,
      ...(m.subject !== undefined ? [m.subject] : []),
      ...m.attachments.map((a) => a.filename),
    ]),
  ];
}

/** The names the requester went by on a ticket (the requester's and their messages' authors'). */
export function namesOf(ticket: Ticket, messages: readonly Message[], email: string): string[] {
  const theirs = (e: string | undefined) => e !== undefined && e.toLowerCase() === email.toLowerCase();
  return [
    ...(theirs(ticket.requester.email) && ticket.requester.name ? [ticket.requester.name] : []),
    ...messages.flatMap((m) => (theirs(m.author.email) && m.author.name ? [m.author.name] : [])),
  ];
}

/**
 * The ticket as a pseudonymised record: the requester is the pseudonym, subject and field values are
 * gone; everything the workflow and the metrics read (states, times, queue, type, priority, SLA) stays.
 */
export function redactTicket(ticket: Ticket, r: Redaction): Ticket {
  const theirs = ticket.requester.email.toLowerCase() === r.email.toLowerCase();
  const fields = Object.fromEntries(
    Object.entries(ticket.fields).map(([k, v]) => [k, typeof v === 'string' ? ERASED_TEXT : v]),
  ) as Ticket['fields'];
  const redacted = redactValue({ ...ticket, fields, subject: ERASED_TEXT }, r);
  return {
    ...redacted,
    requester: theirs ? { email: r.pseudonym, name: ERASED_NAME } : redacted.requester,
  };
}

/** A message without its body, subject and attachments; its author is the pseudonym if it was them. */
export function redactMessage(message: Message, r: Redaction): Message {
  const theirs = message.author.email?.toLowerCase() === r.email.toLowerCase();
  const redacted = redactValue(message, r);
  return {
    ...redacted,
    body: ERASED_TEXT,
    ...(message.subject !== undefined ? { subject: ERASED_TEXT } : {}),
    attachments: [],
    author: theirs ? { ...redacted.author, email: r.pseudonym, name: ERASED_NAME } : redacted.author,
  };
}

/** When the ticket was last closed, from its audit trail (undefined when it never was). */
export function closedAtOf(
  audit: readonly { action: string; at: string; after: unknown }[],
): string | undefined {
  let closedAt: string | undefined;
  for (const a of audit) {
    const after = a.after as { state?: unknown } | null;
    if (a.action === 'ticket.state_changed' && after?.state === 'closed' && (!closedAt || a.at > closedAt))
      closedAt = a.at;
  }
  return closedAt;
}

/** The keys of the objects (raw mail, attachments, export files) a record points at. */
export function objectKeysIn(value: unknown, prefixes: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (prefixes.some((p) => v.startsWith(p))) found.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found];
}
