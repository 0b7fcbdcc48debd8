/**
 * Agents' own side of automatic assignment (issue 17): their profile (availability, skills) as they read
 * and write it, the roster leads read, and what a change of availability sets off — back from away, the
 * queues' waiting tickets come to them; away, nothing new comes, and queues with `awayHandsBack` take
 * their open tickets back.
 */
import {
  AgentActionRefusedError,
  type AgentProfile,
  type AgentSkills,
  type AgentView,
  type Availability,
  assignmentOf,
  handBack,
  holdsLoad,
  type Issue,
  newId,
  normaliseSkills,
} from '../domain';
import { type Assigned, type AssignmentPorts, serveQueue } from './assignment';
import type { TicketRepositoryPort } from './ports';
import { changeTicket } from './ticket-change';

export interface AgentPorts extends AssignmentPorts {
  readonly tickets: AssignmentPorts['tickets'] &
    Pick<TicketRepositoryPort, 'history' | 'append' | 'listByAssignee'>;
}

/** The caller as the roster knows them: their id (address) and the queues their token's groups name. */
export interface AgentCaller {
  readonly id: string;
  readonly queues: readonly string[];
}

const view = (profile: AgentProfile, saved = true): AgentView => ({
  ...profile,
  load: profile.tickets.length,
  saved,
});

/** Someone who never wrote a profile: away (the assigner gives them nothing), no skills. */
function unsaved(caller: AgentCaller): AgentView {
  return view(
    {
      id: caller.id.toLowerCase(),
      availability: 'away',
      skills: { requestTypes: [], languages: [] },
      queues: [...caller.queues],
      tickets: [],
      lastAssigned: {},
      updatedAt: new Date(0).toISOString(),
    },
    false,
  );
}

export async function myProfile(caller: AgentCaller, ports: Pick<AgentPorts, 'agents'>): Promise<AgentView> {
  const profile = await ports.agents.get(caller.id);
  return profile ? view(profile) : unsaved(caller);
}

/** The roster: every agent who wrote a profile, by id. */
export async function agentRoster(ports: Pick<AgentPorts, 'agents'>): Promise<AgentView[]> {
  const agents = await ports.agents.list();
  return agents.map((a) => view(a)).sort((a, b) => a.id.localeCompare(b.id));
}

/** Skills must name request types the workflow has (languages are any language tag). */
function unknownSkills(skills: AgentSkills, ports: Pick<AgentPorts, 'config'>): Issue[] {
  return skills.requestTypes.flatMap((type, i) =>
    Object.hasOwn(ports.config.requestTypes, type)
      ? []
      : [
          {
            path: `skills.requestTypes[${i}]`,
            message: `unknown request type "${type}"; known: ${Object.keys(ports.config.requestTypes).join(', ')}`,
          },
        ],
  );
}

export interface ProfileChange {
  readonly availability: Availability;
  /** Absent: the skills stay as they are. */
  readonly skills?: AgentSkills | undefined;
}

/**
 * An agent sets their availability (and skills). Primary course: check the skills; write the profile (their
 * queues from their token); if they are away, hand their open tickets back to the queues that say so
 * (each an audited change announcing `ticket.assigned`, which the assigner then serves to others); if
 * available, serve their queues' waiting tickets.
 */
export async function setMyProfile(
  caller: AgentCaller,
  change: ProfileChange,
  ports: AgentPorts,
): Promise<{ agent: AgentView; handedBack: string[]; assigned: Assigned[] }> {
  const skills = change.skills ? normaliseSkills(change.skills) : undefined;
  const issues = skills ? unknownSkills(skills, ports) : [];
  if (issues.length > 0)
    throw new AgentActionRefusedError(
      'skills-known',
      'invalid',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );
  const before = await ports.agents.get(caller.id);
  const saved = await ports.agents.save({
    id: caller.id,
    availability: change.availability,
    skills: skills ?? before?.skills ?? { requestTypes: [], languages: [] },
    queues: caller.queues,
    at: ports.clock.now().toISOString(),
  });
  const handedBack = change.availability === 'away' ? await handBackOpenTickets(caller.id, ports) : [];
  const assigned: Assigned[] = [];
  if (change.availability === 'available')
    for (const queue of caller.queues) assigned.push(...(await serveQueue(queue, ports)));
  // Read again: the hand-back and the assignments changed the tickets they hold.
  const agent = view((await ports.agents.get(caller.id)) ?? saved);
  return { agent, handedBack, assigned };
}

const PAGE = 100;
const MAX_PAGES = 10;

/** The agent's open tickets in queues with `awayHandsBack`, each unassigned with its audit entry; their references. */
async function handBackOpenTickets(agentId: string, ports: AgentPorts): Promise<string[]> {
  const mine: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await ports.tickets.listByAssignee(agentId, { limit: PAGE, cursor });
    for (const t of out.tickets)
      if (holdsLoad(t) && assignmentOf(ports.config, t.queue).awayHandsBack) mine.push(t.id);
    cursor = out.cursor;
    if (!cursor) break;
  }
  const id = agentId.toLowerCase();
  const handed: string[] = [];
  for (const ticketId of mine) {
    const reference = await changeTicket<string | undefined>(ticketId, ports.tickets, (history) => {
      const ticket = history?.ticket;
      // Re-decided on the ticket as it is now: someone may have taken or resolved it meanwhile.
      if (!ticket || ticket.assignee !== id || !holdsLoad(ticket)) return { result: undefined };
      const now = ports.clock.now();
      const back = handBack(ticket, { at: now, newId: () => newId(now) });
      return {
        write: { ticket: back.ticket, audit: [back.audit], events: [back.event] },
        result: ticket.reference,
      };
    });
    if (reference) handed.push(reference);
  }
  return handed;
}
