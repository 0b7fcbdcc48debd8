import type { WorkflowConfig } from '../config';
import {
  type Actor,
  changeRefusal,
  NotFoundError,
  newId,
  type ScopeRefusal,
  type Ticket,
  type TicketScope,
} from '../domain';
import { incidentCloseRefusal, isIncident } from '../domain/incident';
import { applyMacro, type MacroChange, type MacroOutcome, MacroRefusedError } from '../domain/macros';
import { linkedTicketsOf } from './incident-links';
import type { Clock, MacroUsagePort, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

export interface MacroPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append'>;
  readonly usage: MacroUsagePort;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

type Macro = WorkflowConfig['macros'][string];

/** The team's macros as agents pick them, each with how often it was applied. */
export async function listMacros(
  ports: Pick<MacroPorts, 'usage' | 'config'>,
): Promise<Array<{ id: string; uses: number } & Macro>> {
  const counts = await ports.usage.counts();
  return Object.entries(ports.config.macros).map(([id, macro]) => ({ id, ...macro, uses: counts[id] ?? 0 }));
}

function macroOf(config: WorkflowConfig, macroId: string): Macro {
  const macro = Object.hasOwn(config.macros, macroId) ? config.macros[macroId] : undefined;
  if (!macro) throw new NotFoundError('MACRO.NOT_FOUND', `macro ${macroId} not found`);
  return macro;
}

interface MacroRequest {
  readonly ticketId: string;
  readonly macroId: string;
  readonly actor: Actor;
  /** Who applies it (the reply's author and `{{agentEmail}}`). */
  readonly agentEmail: string;
  /** The tickets the caller may change (queue isolation). */
  readonly scope: TicketScope;
}

const ctxOf = (ports: Pick<MacroPorts, 'clock'>, input: MacroRequest) => {
  const now = ports.clock.now();
  return { actor: input.actor, agentEmail: input.agentEmail, at: now, newId: () => newId(now) };
};

export type MacroPreview =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal }
  | {
      readonly kind: 'preview';
      readonly version: number;
      readonly reply?: { readonly visibility: 'public' | 'internal'; readonly body: string };
      readonly changes: readonly MacroChange[];
      /** Why applying it now would be refused (the whole macro), if it would. */
      readonly refusal?: MacroRefusedError;
    };

/**
 * What applying a macro would do to the ticket as it is now: the rendered reply and the changes, or the
 * refusal. Primary course: read the ticket (in the caller's queues); decide as `applyMacroAsAgent` would;
 * write nothing.
 */
export async function previewMacro(input: MacroRequest, ports: MacroPorts): Promise<MacroPreview> {
  const macro = macroOf(ports.config, input.macroId);
  const ticket = await ports.tickets.get(input.ticketId);
  if (!ticket) return { kind: 'not_found' };
  const refusal = changeRefusal(input.scope, ticket);
  if (refusal) return { kind: 'forbidden', refusal };
  const closing = await incidentClosing(input.macroId, macro, ticket, ports);
  const outcome =
    closing(ticket) ?? applyMacro(ticket, input.macroId, macro, ports.config, ctxOf(ports, input));
  if (!outcome.ok) return { kind: 'preview', version: ticket.version, changes: [], refusal: outcome.error };
  return {
    kind: 'preview',
    version: ticket.version,
    ...(outcome.reply ? { reply: outcome.reply } : {}),
    changes: outcome.changes,
  };
}

/**
 * An agent applies a macro at the version they saw (If-Match). Primary course: decide the whole macro on
 * the ticket (any refused action refuses it, nothing written); write the reply, the changes, their audit
 * entries and events as one change (one version step; a public reply is mailed by the notifier as any
 * agent reply); count the use. The count follows the write: a crash between the two loses one count.
 */
export async function applyMacroAsAgent(
  input: MacroRequest & { readonly expectedVersion: number },
  ports: MacroPorts,
): Promise<
  | Exclude<AgentChangeResult<MacroRefusedError>, { kind: 'changed' }>
  | ({ readonly kind: 'changed'; readonly ticket: Ticket } & Pick<MacroOutcome, 'reply' | 'changes'>)
> {
  const macro = macroOf(ports.config, input.macroId);
  let applied: MacroOutcome | undefined;
  const closing = await incidentClosing(input.macroId, macro, await ports.tickets.get(input.ticketId), ports);
  const result = await changeTicketAsAgent(input, ports, (ticket) => {
    const outcome =
      closing(ticket) ?? applyMacro(ticket, input.macroId, macro, ports.config, ctxOf(ports, input));
    if (!outcome.ok) return outcome;
    applied = outcome;
    return { ...outcome, messages: [...outcome.messages] };
  });
  if (result.kind !== 'changed') return result;
  await ports.usage.record(input.macroId);
  const { reply, changes } = (applied as MacroOutcome | undefined) ?? { changes: [] };
  return { ...result, ...(reply ? { reply } : {}), changes };
}

/**
 * A macro that closes an incident is refused while a ticket the incident affects is open, as a transition
 * is (rule `incident-links-resolved`): the linked tickets are read once, before the decision.
 */
async function incidentClosing(
  macroId: string,
  macro: Macro,
  ticket: Ticket | undefined,
  ports: Pick<MacroPorts, 'tickets'>,
): Promise<(ticket: Ticket) => { readonly ok: false; readonly error: MacroRefusedError } | undefined> {
  const linked = macro.actions.state === 'closed' ? await linkedTicketsOf(ticket, ports.tickets) : [];
  return (current) => {
    const refusal =
      macro.actions.state === 'closed' && isIncident(current)
        ? incidentCloseRefusal(current, linked)
        : undefined;
    return (
      refusal && { ok: false, error: new MacroRefusedError(macroId, 'state', refusal.rule, refusal.message) }
    );
  };
}
