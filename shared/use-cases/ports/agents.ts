// The agent roster as automatic assignment needs it (issue 17): the agents' profiles, and the writes that
// keep an agent's open tickets in step with the tickets — the one that assigns a ticket lands only while
// the agent is available and has room, so two tickets arriving together never push an agent over capacity.
import type { AgentProfile, AgentSkills, Availability, Ticket } from '../../domain';
import type { TicketChangeWrite } from './tickets';

/** What an agent writes about themselves; their queues come from their token's `queue-<id>` groups. */
export interface AgentProfileWrite {
  readonly id: string;
  readonly name?: string | undefined;
  readonly availability: Availability;
  readonly skills: AgentSkills;
  readonly queues: readonly string[];
  readonly at: string;
}

/** An automatic assignment: the ticket's change, and whose load it joins under which rule. */
export interface AgentAssignmentWrite {
  readonly change: TicketChangeWrite;
  readonly agent: string;
  readonly queue: string;
  /** Strategy `capacity`: the agent must hold fewer open tickets than this. */
  readonly capacity?: number | undefined;
}

export type AgentAssignmentOutcome =
  | 'assigned'
  /** The ticket moved on (or its load record is stale): read it again. */
  | 'ticket_changed'
  /** The agent went away, left the queue or has no room any more: pick again. */
  | 'agent_refused';

export type AgentLoadSync =
  | { readonly kind: 'in_step' }
  /** The ticket now counts for its holder; `released`: whose load it left (their capacity freed up). */
  | { readonly kind: 'moved'; readonly released: string | null }
  /** The ticket changed since it was read: read it again. */
  | { readonly kind: 'ticket_changed' };

export interface AgentRosterPort {
  get(id: string): Promise<AgentProfile | undefined>;
  /** Every agent who has a profile (the roster); a profile that does not parse is left out. */
  list(): Promise<AgentProfile[]>;
  /** Writes what the agent says about themselves; keeps the tickets they hold. */
  save(input: AgentProfileWrite): Promise<AgentProfile>;
  /** The ticket's change and the agent's load in one transaction, only while the agent may take it. */
  assign(input: AgentAssignmentWrite): Promise<AgentAssignmentOutcome>;
  /**
   * Makes the ticket count for whoever holds it now (its assignee while open, if they have a profile) and
   * for nobody else, only while the ticket is still at the version read.
   */
  syncLoad(ticket: Ticket): Promise<AgentLoadSync>;
}
