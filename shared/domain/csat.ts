import { type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import { DomainError, type Issue } from './errors';
import type { CsatSubmittedEvent } from './events';
import type { Ticket } from './ticket';

// CSAT: the resolution mail asks "how did we do?" with one link per score. One answer per resolution:
// the survey is keyed on the audit seq of the state change that resolved the ticket, so a ticket that is
// reopened and resolved again asks again, while a double click (or a second tab) on the same mail does not.

/** How long the survey link in a resolution mail works. */
export const CSAT_LINK_DAYS = 30;
export const CSAT_COMMENT_MAX_LENGTH = 2000;
export const CSAT_SCORES = [5, 4, 3, 2, 1] as const;
export type CsatScore = (typeof CSAT_SCORES)[number];

export interface CsatAnswer {
  readonly score: CsatScore;
  readonly comment?: string;
}

/** One time a ticket was resolved: the audit entry that moved it into `resolved`. */
export interface Resolution {
  readonly seq: number;
  readonly at: string;
}

export class CsatRefusedError extends DomainError {
  override readonly name = 'CsatRefusedError';

  constructor(
    /** NOT_RESOLVED: the ticket is open again (or never was resolved); SUPERSEDED: resolved again since. */
    readonly code: 'CSAT.NOT_RESOLVED' | 'CSAT.SUPERSEDED',
    message: string,
  ) {
    super(message);
  }
}

export type CsatOutcome =
  | {
      readonly ok: true;
      readonly recorded: true;
      readonly score: CsatScore;
      readonly ticket: Ticket;
      readonly audit: AuditEvent;
      readonly event: CsatSubmittedEvent;
    }
  /** This resolution was rated already: nothing changes, and the answer on record is returned. */
  | { readonly ok: true; readonly recorded: false; readonly score: CsatScore; readonly ticket: Ticket }
  | { readonly ok: false; readonly error: CsatRefusedError };

/** Where a survey stands, for the page a survey link opens (which never records anything itself). */
export type CsatSurveyState =
  | { readonly kind: 'open' }
  | { readonly kind: 'answered'; readonly score: CsatScore }
  | { readonly kind: 'refused'; readonly error: CsatRefusedError };

function isScore(n: unknown): n is CsatScore {
  return typeof n === 'number' && (CSAT_SCORES as readonly number[]).includes(n);
}

/**
 * Checks an answer as it arrives: JSON (`score` a number) or an HTML form post (`score` the text "4").
 * An empty comment is no comment.
 */
export function parseCsatAnswer(
  input: Readonly<{ score?: unknown; comment?: unknown }>,
): { ok: true; answer: CsatAnswer } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const raw =
    typeof input.score === 'string' && /^\s*[1-5]\s*$/.test(input.score) ? Number(input.score) : input.score;
  if (!isScore(raw)) issues.push({ path: 'score', message: 'must be a whole number from 1 to 5' });
  let comment: string | undefined;
  if (input.comment !== undefined && input.comment !== null) {
    if (typeof input.comment !== 'string') issues.push({ path: 'comment', message: 'must be text' });
    else if (input.comment.trim().length > CSAT_COMMENT_MAX_LENGTH)
      issues.push({ path: 'comment', message: `must be at most ${CSAT_COMMENT_MAX_LENGTH} characters` });
    else if (input.comment.trim() !== '') comment = input.comment.trim();
  }
  if (issues.length > 0 || !isScore(raw)) return { ok: false, issues };
  return { ok: true, answer: comment === undefined ? { score: raw } : { score: raw, comment } };
}

/**
 * The resolution a resolution mail is about: the latest move into `resolved` at or before `asOf` (the
 * mail's event time), so a mail sent late still points at its own resolution; without `asOf`, the latest.
 */
export function resolutionOf(audit: readonly AuditEvent[], asOf?: string): Resolution | undefined {
  let found: Resolution | undefined;
  for (const a of audit) {
    if (a.action !== 'ticket.state_changed' || a.after?.state !== 'resolved') continue;
    if (asOf !== undefined && a.at > asOf) continue;
    if (!found || a.seq > found.seq) found = { seq: a.seq, at: a.at };
  }
  return found;
}

function answerFor(audit: readonly AuditEvent[], resolution: number): CsatScore | undefined {
  const entry = audit.find((a) => a.action === 'csat.submitted' && a.after?.resolution === resolution);
  const score = entry?.after?.score;
  return isScore(score) ? score : undefined;
}

/**
 * Where the survey of one resolution stands. Answered wins over everything else, so a repeated submit is
 * "already recorded" even when the ticket has moved on since.
 */
export function csatSurveyState(
  ticket: Ticket,
  audit: readonly AuditEvent[],
  resolution: number,
): CsatSurveyState {
  const answered = answerFor(audit, resolution);
  if (answered !== undefined) return { kind: 'answered', score: answered };
  if (ticket.state !== 'resolved' && ticket.state !== 'closed')
    return {
      kind: 'refused',
      error: new CsatRefusedError(
        'CSAT.NOT_RESOLVED',
        `${ticket.reference} is ${ticket.state.replace('_', ' ')}, not resolved: the survey opens again when it is resolved`,
      ),
    };
  const current = resolutionOf(audit);
  if (!current)
    return {
      kind: 'refused',
      error: new CsatRefusedError('CSAT.NOT_RESOLVED', `${ticket.reference} was closed without a resolution`),
    };
  if (current.seq !== resolution)
    return {
      kind: 'refused',
      error: new CsatRefusedError(
        'CSAT.SUPERSEDED',
        `${ticket.reference} was resolved again since this survey was sent: please use the link in the latest mail`,
      ),
    };
  return { kind: 'open' };
}

/**
 * Records the requester's rating of one resolution: an audit entry `csat.submitted` (score, comment, the
 * resolution it rates), a new ticket revision, and the `csat.submitted` event for the flow metrics.
 */
export function recordCsat(
  ticket: Ticket,
  audit: readonly AuditEvent[],
  input: { readonly resolution: number; readonly answer: CsatAnswer },
  ctx: { readonly at: Date; readonly newId: () => string },
): CsatOutcome {
  const state = csatSurveyState(ticket, audit, input.resolution);
  if (state.kind === 'answered') return { ok: true, recorded: false, score: state.score, ticket };
  if (state.kind === 'refused') return { ok: false, error: state.error };

  const { score, comment } = input.answer;
  const next = nextRevision(ticket, ctx.at);
  const at = ctx.at.toISOString();
  return {
    ok: true,
    recorded: true,
    score,
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: { kind: 'customer', id: ticket.requester.email },
      action: 'csat.submitted',
      before: null,
      after: { score, ...(comment !== undefined ? { comment } : {}), resolution: input.resolution },
    }),
    event: {
      type: 'csat.submitted',
      detail: {
        ticketId: ticket.id,
        version: next.version,
        occurredAt: at,
        reference: ticket.reference,
        score,
        queue: ticket.queue,
        requestType: ticket.requestType,
      },
    },
  };
}
