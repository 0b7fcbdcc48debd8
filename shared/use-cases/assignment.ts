/**
 * Automatic assignment (issue 17): a ticket entering a queue whose strategy is not `manual` gets an owner,
 * and when an agent's place frees up (a ticket of theirs resolved, closed, released, handed off or
 * escalated away; the agent back from away) the queue's waiting tickets go out again, most urgent and
 * oldest first. The store refuses an assignment that would put an agent over capacity or give a ticket to
 * an agent who just went away; the assigner then picks again.
 */
import type { WorkflowConfig } from '../config';
import {
  type AgentProfile,
  assignAutomatically,
  assignmentOf,
  awaitsAssignment,
  holdsLoad,
  newId,
  rankAgents,
  type Ticket,
  TicketState,
  waitingOrder,
} from '../domain';
import type { AgentRosterPort, Clock, TicketRepositoryPort } from './ports';

export interface AssignmentPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'listQueue'>;
  readonly agents: AgentRosterPort;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

/** One automatic assignment made. */
export interface Assigned {
  readonly ticketId: string;
  readonly reference: string;
  readonly queue: string;
  readonly agent: string;
  readonly strategy: string;
}

const WAITING_STATES = TicketState.options.filter((state) => holdsLoad({ state }));
/** A bound on the work one call does (assignments and lost races); what is left, the next event does. */
const MAX_ROUNDS = 50;
const MAX_SYNC_ATTEMPTS = 5;
const INDEX_PAGE = 25;
const INDEX_PAGES = 8;

/**
 * A ticket event reached the assigner. Primary course: read the ticket; keep the load in step with it (it
 * counts for its assignee while open, for nobody otherwise — a place freed is released here); then serve
 * its queue, and the queues of the agent whose place it freed.
 */
export async function assignAfterTicketChange(ticketId: string, ports: AssignmentPorts): Promise<Assigned[]> {
  let ticket: Ticket | undefined;
  let released: string | null = null;
  for (let attempt = 1; ; attempt++) {
    ticket = await ports.tickets.get(ticketId);
    if (!ticket) return [];
    const sync = await ports.agents.syncLoad(ticket);
    if (sync.kind === 'moved') released = sync.released;
    if (sync.kind !== 'ticket_changed') break;
    if (attempt >= MAX_SYNC_ATTEMPTS)
      throw new Error(`ticket ${ticketId} kept changing while its load was kept`);
  }
  const freed = released ? await ports.agents.get(released) : undefined;
  const queues = [...new Set([ticket.queue, ...(freed?.queues ?? [])])];
  // An open ticket that left its agent (released, handed off, escalated) goes to someone else if anyone may take it.
  const passOn = released && ticket.assignee === null ? { ticketId: ticket.id, agent: released } : undefined;
  const assigned: Assigned[] = [];
  for (const queue of queues) assigned.push(...(await serveQueue(queue, ports, ticket, passOn)));
  return assigned;
}

/** A ticket to give to anyone but `agent` first: they just let it go. */
interface PassOn {
  readonly ticketId: string;
  readonly agent: string;
}

/**
 * Gives a queue's waiting tickets to its agents, most urgent and oldest first, until none waits or nobody
 * may take one. `known`: a ticket the caller knows waits there (the index may not show it yet).
 */
export async function serveQueue(
  queue: string,
  ports: AssignmentPorts,
  known?: Ticket,
  passOn?: PassOn,
): Promise<Assigned[]> {
  const spec = assignmentOf(ports.config, queue);
  if (spec.strategy === 'manual') return [];
  const done: Assigned[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [waiting, roster] = await Promise.all([waitingTickets(queue, ports, known), ports.agents.list()]);
    const outcome = await assignFirst(waiting, roster, ports, passOn);
    if (outcome === 'nothing') break;
    if (typeof outcome === 'object') done.push(outcome);
  }
  return done;
}

/**
 * The first waiting ticket (read again, by id, so a stale index copy is never written) to the best agent.
 * Says what became of it: an assignment, a lost race to decide again (`retry`), or `nothing` to do.
 */
async function assignFirst(
  waiting: readonly Ticket[],
  roster: readonly AgentProfile[],
  ports: AssignmentPorts,
  passOn?: PassOn,
): Promise<Assigned | 'retry' | 'nothing'> {
  for (const candidate of waiting) {
    const ticket = await ports.tickets.get(candidate.id);
    if (!ticket || !awaitsAssignment(ticket, ports.config)) continue;
    const spec = assignmentOf(ports.config, ticket.queue);
    // Who may take a ticket does not depend on the ticket (skills only order them): nobody → nothing to do.
    const ranked = rankAgents(ticket, spec, roster);
    const agent =
      passOn?.ticketId === ticket.id ? (ranked.find((a) => a.id !== passOn.agent) ?? ranked[0]) : ranked[0];
    if (!agent) return 'nothing';
    const now = ports.clock.now();
    const change = assignAutomatically(ticket, agent, spec, { at: now, newId: () => newId(now) });
    const outcome = await ports.agents.assign({
      change: {
        ticket: change.ticket,
        expectedVersion: ticket.version,
        audit: [change.audit],
        events: [change.event],
      },
      agent: agent.id,
      queue: ticket.queue,
      capacity: spec.strategy === 'capacity' ? spec.capacity : undefined,
    });
    if (outcome === 'assigned')
      return {
        ticketId: ticket.id,
        reference: ticket.reference,
        queue: ticket.queue,
        agent: agent.id,
        strategy: spec.strategy,
      };
    // A load record left from before (the ticket's last holder) is put in step before the next try.
    if (outcome === 'ticket_changed') await ports.agents.syncLoad(ticket);
    return 'retry';
  }
  return 'nothing';
}

/** The queue's open, unassigned tickets (queue index, a page per state), served most urgent and oldest first. */
async function waitingTickets(queue: string, ports: AssignmentPorts, known?: Ticket): Promise<Ticket[]> {
  const found = new Map<string, Ticket>();
  if (known && known.queue === queue) found.set(known.id, known);
  for (const state of WAITING_STATES) {
    let cursor: string | undefined;
    // A filtered page may come back empty with a cursor: read on until one holds a ticket.
    for (let page = 0; page < INDEX_PAGES; page++) {
      const out = await ports.tickets.listQueue(queue, state, {
        limit: INDEX_PAGE,
        cursor,
        filter: { assignee: 'none' },
      });
      for (const t of out.tickets) if (!found.has(t.id)) found.set(t.id, t);
      cursor = out.cursor;
      if (out.tickets.length > 0 || !cursor) break;
    }
  }
  return waitingOrder([...found.values()]);
}
