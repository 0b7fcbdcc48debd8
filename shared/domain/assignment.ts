/**
 * Automatic assignment (issue 17), the pure part: who an agent is to the assigner (their profile:
 * availability, skills, queues, the open tickets they hold), which waiting ticket goes first, which agent
 * gets it under the queue's strategy, and the ticket change that records it. Concurrency (never over
 * capacity) is the store's job: it writes the change only while the chosen agent still has room.
 */
import type { AssignmentSpec } from '../config/assignment';
import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import { type TicketAssignedEvent, ticketAssignedEvent } from './events';
import { IsoDateTime, priorityRank, type Ticket, TicketId } from './ticket';
import * as z from './zod';

export const Availability = z.enum(['available', 'away']);
export type Availability = z.infer<typeof Availability>;

// A language tag as tickets carry it (`en`, `pt-BR`), lower-cased so `EN` and `en` are one skill.
const languageTag = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'must be a language tag like en or pt-br'),
    z.maxLength(35),
  );
const requestTypeId = z.string().check(z.minLength(1), z.maxLength(64));

/** What an agent handles best; assignment prefers an agent whose skills match the ticket. */
export const AgentSkills = z.object({
  requestTypes: z._default(z.array(requestTypeId).check(z.maxLength(50)), []),
  languages: z._default(z.array(languageTag).check(z.maxLength(20)), []),
});
export type AgentSkills = z.infer<typeof AgentSkills>;

/** The skill lists as an agent sends them (set-like: order kept, repeats dropped). */
export function normaliseSkills(skills: AgentSkills): AgentSkills {
  return { requestTypes: [...new Set(skills.requestTypes)], languages: [...new Set(skills.languages)] };
}

/**
 * An agent as the assigner knows them: written by the agent (availability, skills), their queues taken from
 * their token's `queue-<id>` groups when they write it, and the open tickets they hold (kept by the store).
 */
export const AgentProfileSchema = z.object({
  /** The agent's address (lower case), the same id a ticket's `assignee` holds. */
  id: z.string().check(z.minLength(1), z.maxLength(254)),
  name: z.optional(z.string().check(z.maxLength(200))),
  availability: Availability,
  skills: AgentSkills,
  queues: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(100)),
  /** Open tickets (not resolved or closed) assigned to them. */
  tickets: z._default(z.array(TicketId), []),
  /** Per queue, when they last got a ticket from the assigner (round robin's order). */
  lastAssigned: z._default(z.record(z.string(), IsoDateTime), {}),
  updatedAt: IsoDateTime,
});
export type AgentProfile = z.infer<typeof AgentProfileSchema>;

/** A profile as the API answers it: what is stored, how many open tickets they hold, whether they ever wrote it. */
export const AgentViewSchema = z.extend(AgentProfileSchema, {
  load: z.int().check(z.minimum(0)),
  saved: z.boolean(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

/** A queue's assignment rule (queues without one are manual). */
export function assignmentOf(config: Pick<WorkflowConfig, 'queues'>, queue: string): AssignmentSpec {
  return config.queues[queue]?.assignment ?? { strategy: 'manual', awayHandsBack: false };
}

/** Counts against an agent's load: open until resolved or closed. */
export function holdsLoad(ticket: Pick<Ticket, 'state'>): boolean {
  return ticket.state !== 'resolved' && ticket.state !== 'closed';
}

/** Who holds the ticket as load: its assignee while it is open, nobody otherwise. */
export function loadHolder(ticket: Pick<Ticket, 'state' | 'assignee'>): string | null {
  return holdsLoad(ticket) ? ticket.assignee : null;
}

/** A ticket the assigner should place: open, unassigned, in a queue that is not manual. */
export function awaitsAssignment(ticket: Ticket, config: Pick<WorkflowConfig, 'queues'>): boolean {
  return (
    holdsLoad(ticket) && ticket.assignee === null && assignmentOf(config, ticket.queue).strategy !== 'manual'
  );
}

/** Waiting tickets in the order they are served: most urgent first, then oldest, then by id. */
export function waitingOrder(tickets: readonly Ticket[]): Ticket[] {
  return [...tickets].sort(
    (a, b) =>
      priorityRank(a.priority) - priorityRank(b.priority) ||
      a.createdAt.localeCompare(b.createdAt) ||
      a.id.localeCompare(b.id),
  );
}

/** How well an agent's skills fit a ticket: one point for its request type, one for its language. */
export function skillMatch(agent: Pick<AgentProfile, 'skills'>, ticket: Ticket): number {
  const type = agent.skills.requestTypes.includes(ticket.requestType) ? 1 : 0;
  const language =
    ticket.language !== undefined && agent.skills.languages.includes(ticket.language.toLowerCase()) ? 1 : 0;
  return type + language;
}

/** Why an agent cannot take a ticket of a queue now, or undefined when they can. */
export function ineligibility(
  agent: AgentProfile,
  queue: string,
  spec: AssignmentSpec,
): 'away' | 'not-in-queue' | 'at-capacity' | undefined {
  if (agent.availability !== 'available') return 'away';
  if (!agent.queues.includes(queue)) return 'not-in-queue';
  if (spec.strategy === 'capacity' && agent.tickets.length >= (spec.capacity ?? 0)) return 'at-capacity';
  return undefined;
}

const NEVER = '';

/**
 * The agents who may take a ticket, best first: available agents of its queue with room (strategy
 * `capacity`); a better skill match first; then by strategy — round robin: assigned from this queue
 * longest ago (never first); load balanced and capacity: fewest open tickets, then longest ago — and by
 * id, so the order is total and the same everywhere.
 */
export function rankAgents(
  ticket: Ticket,
  spec: AssignmentSpec,
  agents: readonly AgentProfile[],
): AgentProfile[] {
  const queue = ticket.queue;
  const last = (a: AgentProfile) => a.lastAssigned[queue] ?? NEVER;
  const byStrategy = (a: AgentProfile, b: AgentProfile) =>
    spec.strategy === 'round_robin'
      ? last(a).localeCompare(last(b))
      : a.tickets.length - b.tickets.length || last(a).localeCompare(last(b));
  return agents
    .filter((a) => ineligibility(a, queue, spec) === undefined)
    .sort(
      (a, b) => skillMatch(b, ticket) - skillMatch(a, ticket) || byStrategy(a, b) || a.id.localeCompare(b.id),
    );
}

export interface AssignmentContext {
  readonly at: Date;
  readonly newId: () => string;
}

/** The audit actor of an automatic assignment names its strategy: `assignment:capacity` … */
export const assignmentActor = (strategy: AssignmentSpec['strategy'] | 'away'): Actor => ({
  kind: 'system',
  id: `assignment:${strategy}`,
});

function assigned(
  ticket: Ticket,
  to: string | null,
  actor: Actor,
  ctx: AssignmentContext,
  after: Record<string, unknown>,
  reason: string,
): { ticket: Ticket; audit: AuditEvent; event: TicketAssignedEvent } {
  const next: Ticket = { ...nextRevision(ticket, ctx.at), assignee: to };
  return {
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor,
      action: 'ticket.assigned',
      before: { assignee: ticket.assignee },
      after: { assignee: to, ...after },
      reason,
    }),
    event: ticketAssignedEvent(ticket, next),
  };
}

/** The assigner gives a waiting ticket to an agent: an audit entry naming the strategy, and `ticket.assigned`. */
export function assignAutomatically(
  ticket: Ticket,
  agent: AgentProfile,
  spec: AssignmentSpec,
  ctx: AssignmentContext,
): { ticket: Ticket; audit: AuditEvent; event: TicketAssignedEvent } {
  const match = skillMatch(agent, ticket);
  const why =
    spec.strategy === 'capacity'
      ? `${agent.tickets.length} of ${spec.capacity} open tickets before this one`
      : spec.strategy === 'load_balanced'
        ? `${agent.tickets.length} open tickets, the fewest`
        : 'next in turn';
  return assigned(
    ticket,
    agent.id,
    assignmentActor(spec.strategy),
    ctx,
    { strategy: spec.strategy, ...(match > 0 ? { skillMatch: match } : {}) },
    `${ticket.queue} assigns by ${spec.strategy.replace('_', ' ')}: ${why}${match > 0 ? ', skills match' : ''}`,
  );
}

/** An agent went away and the queue takes their open ticket back (`awayHandsBack`): unassigned, audited. */
export function handBack(
  ticket: Ticket,
  ctx: AssignmentContext,
): { ticket: Ticket; audit: AuditEvent; event: TicketAssignedEvent } {
  return assigned(
    ticket,
    null,
    assignmentActor('away'),
    ctx,
    { handedBack: true },
    `${ticket.assignee} went away; ${ticket.queue} hands their open tickets back to the queue`,
  );
}
