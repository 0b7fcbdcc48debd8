import { newId, type Ticket } from '../domain';
import {
  type CsatAnswer,
  type CsatRefusedError,
  type CsatSurveyState,
  csatSurveyState,
  recordCsat,
} from '../domain/csat';
import { type Clock, ConcurrentUpdateError, type CsatLink, type TicketRepositoryPort } from './ports';

export interface SubmitCsatPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'history' | 'append'>;
  readonly clock: Clock;
}

export type SubmitCsatResult =
  | { readonly kind: 'recorded' | 'already_recorded'; readonly ticket: Ticket; readonly score: number }
  | { readonly kind: 'refused'; readonly error: CsatRefusedError }
  | { readonly kind: 'not_found' };

const MAX_CONFLICT_RETRIES = 3;

/**
 * The requester rates a resolution from the survey link in the resolution mail.
 * Primary course:
 *  1. read the ticket and its audit trail;
 *  2. record the score (and comment) once for the resolution the link names: audit `csat.submitted`,
 *     new ticket version, in one conditional write;
 *  3. `csat.submitted` for the flow metrics goes into the outbox of that same write.
 * A second answer for the same resolution changes nothing (two racing answers: the conditional write
 * lets one land, the other retries and finds it); a ticket that is not resolved is refused, naming why.
 */
export async function submitCsat(
  input: { readonly link: CsatLink; readonly answer: CsatAnswer },
  ports: SubmitCsatPorts,
): Promise<SubmitCsatResult> {
  for (let attempt = 0; ; attempt++) {
    const history = await ports.tickets.history(input.link.ticketId);
    if (!history) return { kind: 'not_found' };
    const now = ports.clock.now();
    const outcome = recordCsat(
      history.ticket,
      history.audit,
      { resolution: input.link.resolution, answer: input.answer },
      { at: now, newId: () => newId(now) },
    );
    if (!outcome.ok) return { kind: 'refused', error: outcome.error };
    if (!outcome.recorded) return { kind: 'already_recorded', ticket: outcome.ticket, score: outcome.score };
    try {
      await ports.tickets.append({
        ticket: outcome.ticket,
        expectedVersion: history.ticket.version,
        audit: [outcome.audit],
        events: [outcome.event],
      });
    } catch (e: unknown) {
      if (e instanceof ConcurrentUpdateError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    return { kind: 'recorded', ticket: outcome.ticket, score: outcome.score };
  }
}

/** What the survey page shows: read-only, so a mail scanner following the link records nothing. */
export async function csatSurvey(
  link: CsatLink,
  ports: Pick<SubmitCsatPorts, 'tickets'>,
): Promise<{ readonly ticket: Ticket; readonly state: CsatSurveyState } | undefined> {
  const history = await ports.tickets.history(link.ticketId);
  if (!history) return undefined;
  return { ticket: history.ticket, state: csatSurveyState(history.ticket, history.audit, link.resolution) };
}
