import type { WorkflowConfig } from '../config';
import type { Ticket, TicketState } from '../domain';
import { InvalidCursorError, type QueueFilter, type TicketRepositoryPort } from './ports';

/** The states a ticket is still being worked in (a queue view's default). */
export const OPEN_STATES: readonly TicketState[] = [
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
];

/** Queues with their counts per open state and SLA risk: one projected Query per queue and state. */
export async function queueOverview(
  queueIds: readonly string[],
  ports: { tickets: Pick<TicketRepositoryPort, 'queueStats'>; config: Pick<WorkflowConfig, 'queues'> },
) {
  return Promise.all(
    queueIds.map(async (id) => {
      const spec = ports.config.queues[id];
      const stats = await Promise.all(OPEN_STATES.map((s) => ports.tickets.queueStats(id, s)));
      const counts = Object.fromEntries(OPEN_STATES.map((s, i) => [s, stats[i]?.count ?? 0]));
      return {
        id,
        name: spec?.name ?? id,
        tier: spec?.tier ?? 0,
        counts,
        open: stats.reduce((n, s) => n + s.count, 0),
        slaRisk: {
          warning: stats.reduce((n, s) => n + s.warning, 0),
          breached: stats.reduce((n, s) => n + s.breached, 0),
        },
      };
    }),
  );
}

interface ViewCursor {
  /** Index into `states` of the state being read. */
  readonly s: number;
  readonly c?: string;
}

/** The earliest due moment of a ticket's running SLA targets, if any. */
export function nextDue(ticket: Ticket): string | undefined {
  return (ticket.sla?.targets ?? [])
    .filter((t) => t.dueAt && (t.status === 'running' || t.status === 'warning'))
    .map((t) => t.dueAt as string)
    .toSorted()[0];
}

/**
 * One queue's tickets over one or more states, state by state (urgent first, then oldest, within each),
 * with a cursor that carries the state reached and the index position inside it.
 */
export async function queueView(
  input: {
    queue: string;
    states: readonly TicketState[];
    limit: number;
    cursor?: string | undefined;
    filter: QueueFilter;
    slaDueBefore?: string | undefined;
  },
  ports: { tickets: Pick<TicketRepositoryPort, 'listQueue'> },
): Promise<{ tickets: Ticket[]; cursor?: string }> {
  let position: ViewCursor = { s: 0 };
  if (input.cursor) {
    try {
      position = JSON.parse(Buffer.from(input.cursor, 'base64url').toString('utf8')) as ViewCursor;
    } catch {
      throw new InvalidCursorError('the cursor is not one this API issued');
    }
    if (!Number.isInteger(position.s) || position.s < 0 || position.s >= input.states.length)
      throw new InvalidCursorError('the cursor is not one this API issued');
  }
  const tickets: Ticket[] = [];
  let { s, c } = position;
  while (s < input.states.length && tickets.length < input.limit) {
    const state = input.states[s] as TicketState;
    const page = await ports.tickets.listQueue(input.queue, state, {
      limit: input.limit - tickets.length,
      cursor: c,
      filter: input.filter,
    });
    const due = input.slaDueBefore;
    tickets.push(...page.tickets.filter((t) => !due || (nextDue(t) ?? '9999') < due));
    if (page.cursor) c = page.cursor;
    else {
      s++;
      c = undefined;
    }
  }
  const more = s < input.states.length;
  return {
    tickets,
    ...(more
      ? { cursor: Buffer.from(JSON.stringify({ s, ...(c ? { c } : {}) })).toString('base64url') }
      : {}),
  };
}
