import { newId, type Ticket } from '../domain';
import { type IncidentRefusedError, incidentCloseRefusal, isIncident } from '../domain/incident';
import {
  answerResolution,
  type ResolutionAnswer,
  type ResolutionAnswerKind,
  type ResolutionAnswerRefusedError,
  type ResolutionQuestionState,
  resolutionQuestionState,
} from '../domain/resolution-answer';
import { linkedTicketsOf } from './incident-links';
import { type Clock, ConcurrentUpdateError, type ResolutionLink, type TicketRepositoryPort } from './ports';

export interface ConfirmResolutionPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history' | 'append'>;
  readonly clock: Clock;
}

export type ConfirmResolutionResult =
  | {
      readonly kind: 'recorded' | 'already_recorded';
      readonly ticket: Ticket;
      readonly answer: ResolutionAnswerKind;
    }
  | { readonly kind: 'refused'; readonly error: ResolutionAnswerRefusedError | IncidentRefusedError }
  | { readonly kind: 'not_found' };

const MAX_CONFLICT_RETRIES = 3;

/**
 * The requester answers "is it solved?" from a link in the resolution mail.
 * Primary course:
 *  1. read the ticket and its audit trail;
 *  2. decide for the resolution the link names: `solved` closes the ticket as the customer's confirmation,
 *     `not_solved` reopens it (the comment, if any, becomes the requester's message); audit
 *     `resolution.answered` and the state change, one new ticket version;
 *  3. write it in one conditional write, `ticket.state_changed` (and `ticket.message_added`) in its outbox.
 * The same answer again changes nothing (two racing answers: the conditional write lets one land, the
 * other decides again and finds it); a ticket that is not resolved, or was resolved again since, is
 * refused naming why. An incident closes only once none of its linked tickets is open: `solved` on one
 * that still has some records nothing and is refused like an agent's close (rule
 * `incident-links-resolved`, naming them); `not_solved` reopens it as any ticket.
 */
export async function confirmResolution(
  input: { readonly link: ResolutionLink; readonly answer: ResolutionAnswer },
  ports: ConfirmResolutionPorts,
): Promise<ConfirmResolutionResult> {
  for (let attempt = 0; ; attempt++) {
    const history = await ports.tickets.history(input.link.ticketId);
    if (!history) return { kind: 'not_found' };
    const now = ports.clock.now();
    const outcome = answerResolution(
      history.ticket,
      history.audit,
      { resolution: input.link.resolution, answer: input.answer },
      { at: now, newId: () => newId(now) },
    );
    if (!outcome.ok) return { kind: 'refused', error: outcome.error };
    if (!outcome.recorded)
      return { kind: 'already_recorded', ticket: outcome.ticket, answer: outcome.answer };
    if (outcome.answer === 'solved' && isIncident(history.ticket)) {
      const linked = await linkedTicketsOf(history.ticket, ports.tickets);
      const refusal = incidentCloseRefusal(history.ticket, linked);
      if (refusal) return { kind: 'refused', error: refusal };
    }
    try {
      // Not `changeTicket` (ticket-change.ts): that writes no messages, and a `not_solved` comment is one.
      await ports.tickets.append({
        ticket: outcome.ticket,
        expectedVersion: history.ticket.version,
        audit: outcome.audit,
        messages: outcome.messages,
        events: outcome.events,
      });
    } catch (e: unknown) {
      if (e instanceof ConcurrentUpdateError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    return { kind: 'recorded', ticket: outcome.ticket, answer: outcome.answer };
  }
}

/** What the page a link opens shows: read-only, so a mail scanner following the link changes nothing. */
export async function resolutionQuestion(
  link: ResolutionLink,
  ports: Pick<ConfirmResolutionPorts, 'tickets'>,
): Promise<{ readonly ticket: Ticket; readonly state: ResolutionQuestionState } | undefined> {
  const history = await ports.tickets.history(link.ticketId);
  if (!history) return undefined;
  return {
    ticket: history.ticket,
    state: resolutionQuestionState(history.ticket, history.audit, link.resolution),
  };
}
