import { type AuditEvent, auditEvent } from './audit';
import { resolutionOf } from './csat';
import { DomainError, type Issue } from './errors';
import { type DomainEvent, messageAddedEvent } from './events';
import { transition } from './states';
import type { Message, Ticket, TicketState } from './ticket';
import { wellFormed } from './ticket-input';

// "Is it solved?": the resolution mail carries two signed links, "Yes, it's solved" (→ closed, the
// customer's confirmation) and "No, still a problem" (→ in_progress, reopened). Like the CSAT survey, an
// answer belongs to one resolution (the audit seq of the move into `resolved`), so a link from an older
// resolution never closes or reopens the ticket after it was resolved again, and the same answer twice
// (a double click, a second tab) is recorded once.

/** How long the answer links in a resolution mail work (as long as the survey link beside them). */
export const RESOLUTION_LINK_DAYS = 30;
export const RESOLUTION_COMMENT_MAX_LENGTH = 5000;
export const RESOLUTION_ANSWERS = ['solved', 'not_solved'] as const;
export type ResolutionAnswerKind = (typeof RESOLUTION_ANSWERS)[number];

export interface ResolutionAnswer {
  readonly answer: ResolutionAnswerKind;
  readonly comment?: string;
}

export class ResolutionAnswerRefusedError extends DomainError {
  override readonly name = 'ResolutionAnswerRefusedError';

  constructor(
    /**
     * NOT_RESOLVED: the ticket is in another state now (`state` says which); SUPERSEDED: resolved again
     * since this link was sent; ALREADY_ANSWERED: this resolution has the other answer on record.
     */
    readonly code: 'RESOLUTION.NOT_RESOLVED' | 'RESOLUTION.SUPERSEDED' | 'RESOLUTION.ALREADY_ANSWERED',
    readonly state: TicketState,
    message: string,
  ) {
    super(message);
  }
}

/** Where the question of one resolution stands, for the page a link opens (which never records anything). */
export type ResolutionQuestionState =
  | { readonly kind: 'open' }
  | { readonly kind: 'answered'; readonly answer: ResolutionAnswerKind }
  | { readonly kind: 'refused'; readonly error: ResolutionAnswerRefusedError };

export type ResolutionAnswerOutcome =
  | {
      readonly ok: true;
      readonly recorded: true;
      readonly answer: ResolutionAnswerKind;
      readonly ticket: Ticket;
      readonly audit: readonly AuditEvent[];
      readonly messages: readonly Message[];
      readonly events: readonly DomainEvent[];
    }
  /** This resolution has this answer already: nothing changes. */
  | {
      readonly ok: true;
      readonly recorded: false;
      readonly answer: ResolutionAnswerKind;
      readonly ticket: Ticket;
    }
  | { readonly ok: false; readonly error: ResolutionAnswerRefusedError };

const isAnswer = (v: unknown): v is ResolutionAnswerKind =>
  typeof v === 'string' && (RESOLUTION_ANSWERS as readonly string[]).includes(v);

/**
 * Checks an answer as it arrives, from JSON or the page's HTML form post (the same text either way).
 * An empty comment is no comment.
 */
export function parseResolutionAnswer(
  input: Readonly<{ answer?: unknown; comment?: unknown }>,
): { ok: true; answer: ResolutionAnswer } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const answer = typeof input.answer === 'string' ? input.answer.trim() : input.answer;
  if (!isAnswer(answer)) issues.push({ path: 'answer', message: 'must be "solved" or "not_solved"' });
  let comment: string | undefined;
  if (input.comment !== undefined && input.comment !== null) {
    if (typeof input.comment !== 'string') issues.push({ path: 'comment', message: 'must be text' });
    else if (input.comment.trim().length > RESOLUTION_COMMENT_MAX_LENGTH)
      issues.push({
        path: 'comment',
        message: `must be at most ${RESOLUTION_COMMENT_MAX_LENGTH} characters`,
      });
    else if (input.comment.trim() !== '') comment = wellFormed(input.comment.trim());
  }
  if (issues.length > 0 || !isAnswer(answer)) return { ok: false, issues };
  return { ok: true, answer: comment === undefined ? { answer } : { answer, comment } };
}

function answerFor(audit: readonly AuditEvent[], resolution: number): ResolutionAnswerKind | undefined {
  const entry = audit.find((a) => a.action === 'resolution.answered' && a.after?.resolution === resolution);
  const answer = entry?.after?.answer;
  return isAnswer(answer) ? answer : undefined;
}

const stateText = (state: TicketState) => state.replaceAll('_', ' ');

const superseded = (ticket: Ticket) =>
  new ResolutionAnswerRefusedError(
    'RESOLUTION.SUPERSEDED',
    ticket.state,
    `${ticket.reference} was reopened and resolved again since this link was sent: please use the links in the latest mail`,
  );

/**
 * Where the question of one resolution stands. Answered wins over everything else, so a repeated answer
 * is "already recorded" even though the ticket has moved on (closed, or reopened) because of it.
 */
export function resolutionQuestionState(
  ticket: Ticket,
  audit: readonly AuditEvent[],
  resolution: number,
): ResolutionQuestionState {
  const answered = answerFor(audit, resolution);
  if (answered !== undefined) return { kind: 'answered', answer: answered };
  const refuse = (code: ResolutionAnswerRefusedError['code'], message: string): ResolutionQuestionState => ({
    kind: 'refused',
    error: new ResolutionAnswerRefusedError(code, ticket.state, message),
  });
  const current = resolutionOf(audit);
  if (current !== undefined && current.seq !== resolution)
    return { kind: 'refused', error: superseded(ticket) };
  if (ticket.state !== 'resolved' || current === undefined) {
    const why =
      ticket.state === 'closed'
        ? 'it is closed already; if the problem is back, reply to our mail and we open a follow-up'
        : 'it was reopened and we are working on it; reply to our mail to tell us more';
    return refuse(
      'RESOLUTION.NOT_RESOLVED',
      `${ticket.reference} is ${stateText(ticket.state)}, not resolved: ${why}`,
    );
  }
  return { kind: 'open' };
}

/**
 * Records the requester's answer to one resolution, all in one write:
 * - `solved`: audit `resolution.answered`, then `resolved → closed` as the customer's confirmation (the
 *   closure guard's `customerConfirmed`); a comment stays in the answer's audit entry;
 * - `not_solved`: audit `resolution.answered`, the comment (if any) as an inbound public message from the
 *   requester (so the agent sees why), then `resolved → in_progress` (reopened).
 * The ticket takes one version; each audit entry its own seq; `ticket.state_changed` (and
 * `ticket.message_added`) are the events the write announces.
 */
export function answerResolution(
  ticket: Ticket,
  audit: readonly AuditEvent[],
  input: { readonly resolution: number; readonly answer: ResolutionAnswer },
  ctx: { readonly at: Date; readonly newId: () => string },
): ResolutionAnswerOutcome {
  const state = resolutionQuestionState(ticket, audit, input.resolution);
  const { answer, comment } = input.answer;
  if (state.kind === 'refused') return { ok: false, error: state.error };
  if (state.kind === 'answered') {
    if (state.answer === answer) return { ok: true, recorded: false, answer, ticket };
    // The other answer, to a resolution that a newer one replaced: the newer one is what matters now.
    if (resolutionOf(audit)?.seq !== input.resolution) return { ok: false, error: superseded(ticket) };
    return {
      ok: false,
      error: new ResolutionAnswerRefusedError(
        'RESOLUTION.ALREADY_ANSWERED',
        ticket.state,
        state.answer === 'solved'
          ? `${ticket.reference} is ${stateText(ticket.state)}: you told us it is solved; if the problem is back, reply to our mail`
          : `${ticket.reference} is ${stateText(ticket.state)}: you told us it is still a problem, and it was reopened; reply to our mail to tell us more`,
      ),
    };
  }

  const actor = { kind: 'customer', id: ticket.requester.email } as const;
  const at = ctx.at.toISOString();
  const message: Message | undefined =
    answer === 'not_solved' && comment !== undefined
      ? {
          id: ctx.newId(),
          ticketId: ticket.id,
          direction: 'inbound',
          visibility: 'public',
          channel: 'form',
          author: {
            kind: 'customer',
            email: ticket.requester.email,
            ...(ticket.requester.name !== undefined ? { name: ticket.requester.name } : {}),
          },
          subject: `Still a problem: ${ticket.subject}`,
          body: comment,
          attachments: [],
          createdAt: at,
        }
      : undefined;

  let seq = ticket.auditSeq;
  const entries: AuditEvent[] = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: ++seq,
      at: ctx.at,
      actor,
      action: 'resolution.answered',
      before: null,
      after: {
        answer,
        resolution: input.resolution,
        ...(answer === 'solved' && comment !== undefined ? { comment } : {}),
        ...(message ? { messageId: message.id } : {}),
      },
    }),
  ];
  if (message)
    entries.push(
      auditEvent({
        newId: ctx.newId,
        ticketId: ticket.id,
        seq: ++seq,
        at: ctx.at,
        actor,
        action: 'ticket.message_added',
        before: null,
        after: { messageId: message.id, direction: message.direction, channel: message.channel },
      }),
    );
  const moved = transition(ticket, answer === 'solved' ? 'closed' : 'in_progress', {
    actor,
    at: ctx.at,
    newId: ctx.newId,
    nextSeq: seq + 1,
    reason:
      answer === 'solved'
        ? 'the customer confirmed it is solved (resolution mail)'
        : 'the customer said it is still a problem (resolution mail)',
    ...(answer === 'solved' ? { customerConfirmed: true } : {}),
  });
  // The state was checked above (`resolved`), and both moves out of it are in the table; closing is
  // guarded by the confirmation given here. A refusal would be a change of the rules: say so, change nothing.
  if (!moved.ok)
    return {
      ok: false,
      error: new ResolutionAnswerRefusedError('RESOLUTION.NOT_RESOLVED', ticket.state, moved.error.message),
    };
  return {
    ok: true,
    recorded: true,
    answer,
    ticket: moved.ticket,
    audit: [...entries, moved.audit],
    messages: message ? [message] : [],
    events: [...(message ? [messageAddedEvent(moved.ticket, message)] : []), moved.event],
  };
}
