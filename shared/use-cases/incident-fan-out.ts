/**
 * One update reaches everyone: what the notifications consumer does, besides mailing, when an incident
 * changes. A public agent reply on an incident is relayed onto every linked ticket (each relay announces a
 * `ticket.message_added` the notifier mails to that ticket's requester, on that ticket's thread, once); the
 * incident's resolution resolves its linked open tickets with its note (when the workflow says so) and takes
 * it off the open incidents. The request that wrote the reply or the resolution did none of this: it only
 * wrote its own change and event. Pages of linked tickets hand on to the next delivery (`incident.fan_out`).
 */
import type { WorkflowConfig } from '../config';
import { type DomainEvent, type Message, newId, type Ticket } from '../domain';
import { isIncident, isOpenTicket, resolutionNoteFor } from '../domain/incident';
import {
  continueFanOut,
  type FanOutAction,
  fanOutPage,
  latestResolution,
  recordFirstUpdate,
  relayUpdate,
  resolveWithIncident,
} from '../domain/incident-fan-out';
import { openIncidentOf } from './incident-links';
import type { Clock, IncidentRegistryPort, TicketHistory, TicketRepositoryPort } from './ports';
import { changeTicket } from './ticket-change';

export interface IncidentFanOutPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history' | 'append'>;
  readonly incidents: Pick<IncidentRegistryPort, 'put' | 'remove'>;
  readonly clock: Clock;
  readonly config: Pick<WorkflowConfig, 'incidents'>;
}

export type FanOutResult =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'fanned_out';
      readonly action: FanOutAction;
      /** Linked tickets written to on this page. */
      readonly reached: number;
      /** Linked tickets on this page already done, closed, unlinked or refused by a guard. */
      readonly skipped: number;
      /** Whether a later delivery takes the next page. */
      readonly continued: boolean;
    };

/** How many linked tickets of a page are written at once. */
const CONCURRENCY = 5;

/** What, if anything, an event asks of an incident's linked tickets; idempotent per event. */
export async function fanOutIncident(event: DomainEvent, ports: IncidentFanOutPorts): Promise<FanOutResult> {
  if (
    event.type === 'ticket.state_changed' &&
    event.detail.from === 'resolved' &&
    event.detail.to !== 'closed'
  )
    return reopened(event.detail.ticketId, ports);
  const start = startOf(event);
  if (!start) return { kind: 'none' };
  // Most events are about plain tickets: one read tells.
  const ticket = await ports.tickets.get(event.detail.ticketId);
  if (!ticket || !isIncident(ticket)) return { kind: 'none' };
  const history = await ports.tickets.history(ticket.id);
  if (!history) return { kind: 'none' };
  if (start.action === 'resolve') {
    await ports.incidents.remove(ticket.id);
    if (!ports.config.incidents.resolveLinked) return { kind: 'none' };
  }
  const work = workOf(history, start);
  if (!work) return { kind: 'none' };
  if (work.action === 'update') await firstUpdate(ticket.id, work.update, ports);
  return runPage(history.ticket, work, start.after, ports);
}

/** The incident's first public update, recorded once for the time to first incident update. */
function firstUpdate(
  incidentId: string,
  update: Pick<Message, 'id' | 'createdAt'>,
  ports: IncidentFanOutPorts,
): Promise<void> {
  return changeTicket(incidentId, ports.tickets, (history) => {
    const now = ports.clock.now();
    const first = history
      ? recordFirstUpdate(history.ticket, update, { at: now, newId: () => newId(now) })
      : undefined;
    return first
      ? { write: { ticket: first.ticket, audit: [first.audit] }, result: undefined }
      : { result: undefined };
  });
}

/** A reopened incident takes new tickets at intake again. */
async function reopened(ticketId: string, ports: IncidentFanOutPorts): Promise<FanOutResult> {
  const ticket = await ports.tickets.get(ticketId);
  if (ticket && isIncident(ticket) && isOpenTicket(ticket)) await ports.incidents.put(openIncidentOf(ticket));
  return { kind: 'none' };
}

type Start = { readonly action: FanOutAction; readonly key?: string; readonly after?: string };

function startOf(event: DomainEvent): Start | undefined {
  switch (event.type) {
    case 'ticket.message_added': {
      const d = event.detail;
      const update =
        d.deliver && d.direction === 'outbound' && d.visibility === 'public' && d.authorKind === 'agent';
      return update ? { action: 'update', key: d.messageId } : undefined;
    }
    case 'ticket.state_changed':
      return event.detail.to === 'resolved' ? { action: 'resolve' } : undefined;
    case 'incident.fan_out':
      return { action: event.detail.action, key: event.detail.key, after: event.detail.after };
    default:
      return undefined;
  }
}

type Work =
  | { readonly action: 'update'; readonly key: string; readonly update: TicketHistory['messages'][number] }
  | { readonly action: 'resolve'; readonly key: string; readonly note: string };

/** The update or resolution the fan-out carries, read from the incident's history. */
function workOf(history: TicketHistory, start: Start): Work | undefined {
  if (start.action === 'update') {
    const update = history.messages.find((m) => m.id === start.key);
    return update && start.key ? { action: 'update', key: start.key, update } : undefined;
  }
  const resolution =
    start.key !== undefined
      ? history.audit.find((a) => String(a.seq) === start.key)
      : latestResolution(history.audit);
  return resolution
    ? { action: 'resolve', key: String(resolution.seq), note: resolution.reason ?? '' }
    : undefined;
}

async function runPage(
  incident: Ticket,
  work: Work,
  after: string | undefined,
  ports: IncidentFanOutPorts,
): Promise<FanOutResult> {
  const { page, next } = fanOutPage(incident, after);
  const note =
    work.action === 'resolve' ? resolutionNoteFor(ports.config.incidents, incident, work.note) : '';
  let reached = 0;
  for (let i = 0; i < page.length; i += CONCURRENCY) {
    const wrote = await Promise.all(
      page.slice(i, i + CONCURRENCY).map((link) =>
        changeTicket(link.ticketId, ports.tickets, (history) => {
          if (!history) return { result: false };
          const now = ports.clock.now();
          const ctx = { at: now, newId: () => newId(now) };
          if (work.action === 'update') {
            const relayed = relayUpdate(history, incident, work.update, ctx);
            return relayed.kind === 'relayed'
              ? {
                  write: {
                    ticket: relayed.ticket,
                    audit: [relayed.audit],
                    events: [relayed.event],
                    messages: [relayed.message],
                  },
                  result: true,
                }
              : { result: false };
          }
          const resolved = resolveWithIncident(history, incident, { key: work.key, note }, ctx);
          return resolved.kind === 'resolved'
            ? {
                write: { ticket: resolved.ticket, audit: resolved.audit, events: resolved.events },
                result: true,
              }
            : { result: false };
        }),
      ),
    );
    reached += wrote.filter(Boolean).length;
  }
  if (next) {
    await changeTicket(incident.id, ports.tickets, (history) => {
      if (!history) return { result: undefined };
      const now = ports.clock.now();
      const more = continueFanOut(
        history,
        { action: work.action, key: work.key, after: next },
        { at: now, newId: () => newId(now) },
      );
      return more
        ? { write: { ticket: more.ticket, audit: [more.audit], events: [more.event] }, result: undefined }
        : { result: undefined };
    });
  }
  return {
    kind: 'fanned_out',
    action: work.action,
    reached,
    skipped: page.length - reached,
    continued: !!next,
  };
}
