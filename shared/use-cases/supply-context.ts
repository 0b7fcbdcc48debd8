import type { WorkflowConfig } from '../config';
import { supplyContext as applyContext, type Issue, newId, type Ticket } from '../domain';
import { type Clock, ConcurrentUpdateError, type ContextLink, type TicketRepositoryPort } from './ports';

export interface SupplyContextPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

export type SupplyContextResult =
  | { readonly kind: 'updated'; readonly ticket: Ticket; readonly supplied: string[] }
  | { readonly kind: 'rejected'; readonly issues: readonly Issue[] }
  | { readonly kind: 'not_found' };

const MAX_CONFLICT_RETRIES = 3;

/**
 * The customer answers a needs-info link. Only the fields the link asked for are taken; every one of
 * them is required in this answer. Primary course: check the values, merge them, and when nothing is
 * missing any more the ticket moves on by itself (audit + `ticket.state_changed`). Submitting the same
 * answer twice changes nothing the second time.
 */
export async function supplyContextFromLink(
  input: { link: ContextLink; values: Readonly<Record<string, string>> },
  ports: SupplyContextPorts,
): Promise<SupplyContextResult> {
  const asked = input.link.fields;
  const issues: Issue[] = asked
    .filter((name) => (input.values[name] ?? '').trim() === '')
    .map((name) => ({ path: `fields.${name}`, message: 'is required' }));

  for (let attempt = 0; ; attempt++) {
    const ticket = await ports.tickets.get(input.link.ticketId);
    if (!ticket) return { kind: 'not_found' };
    // Already answered (a double submit, or a reply by mail got there first): nothing to ask any more.
    const stillMissing = asked.filter((name) => ticket.missingFields.includes(name));
    if (stillMissing.length === 0) return { kind: 'updated', ticket, supplied: [] };
    const relevant = issues.filter((i) => stillMissing.includes(i.path.slice('fields.'.length)));
    if (relevant.length > 0) return { kind: 'rejected', issues: relevant };

    const now = ports.clock.now();
    const values = Object.fromEntries(asked.map((name) => [name, input.values[name] ?? '']));
    const result = applyContext(ticket, values, ports.config, {
      actor: { kind: 'customer', id: ticket.requester.email },
      at: now,
      newId: () => newId(now),
    });
    if (!result.ok) return { kind: 'rejected', issues: result.issues };
    if (result.audit.length === 0) return { kind: 'updated', ticket, supplied: [] };
    try {
      await ports.tickets.append({
        ticket: result.ticket,
        expectedVersion: ticket.version,
        audit: result.audit,
        events: result.events,
      });
    } catch (e: unknown) {
      if (e instanceof ConcurrentUpdateError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    return { kind: 'updated', ticket: result.ticket, supplied: result.supplied };
  }
}
