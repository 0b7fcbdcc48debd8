/**
 * A macro applied to a ticket: its reply (placeholders filled the way the mails fill theirs) and its
 * actions, decided by the same rules as each action on its own — fields, priority and tags
 * (agent-work.ts `updateTicket`), the queue (handoff.ts), the state (states.ts table and guards), the
 * reply (`addAgentMessage`) — and folded into ONE change: one version step, an audit entry naming the
 * macro followed by each action's own entry, every event in the same write. Any refusal refuses it all.
 * Pure: the preview is this decision, not written.
 */
import type { WorkflowConfig } from '../config/schema';
import { AgentActionRefusedError, type AgentContext, addAgentMessage, updateTicket } from './agent-work';
import { type AuditEvent, auditEvent } from './audit';
import { DomainError } from './errors';
import type { DomainEvent } from './events';
import { HandoffRefusedError, handOff } from './handoff';
import { greeting } from './mail-copy';
import { renderTemplate } from './notifications';
import { TransitionRefusedError, transition } from './states';
import type { Message, Ticket } from './ticket';

type Macro = WorkflowConfig['macros'][string];

/** A macro that cannot be applied as a whole: which of its actions was refused, and the rule that refused it. */
export class MacroRefusedError extends DomainError {
  override readonly name = 'MacroRefusedError';
  readonly code = 'MACRO.REFUSED';
  constructor(
    readonly macroId: string,
    /** `reply`, `update` (fields, priority, tags), `queue` or `state`. */
    readonly action: MacroStep,
    /** The rule that refused (`ticket-open`, `fields-valid`, a guard id, `state-table`, a handoff rule id …). */
    readonly rule: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`macro ${macroId} refused (${action}): ${message}`, options);
  }
}

export type MacroStep = 'update' | 'queue' | 'reply' | 'state';

/** The rule a refusal of one of the domain's ticket actions names (the API's `rule`). */
export function refusalRule(error: DomainError): string {
  if (error instanceof AgentActionRefusedError) return error.rule;
  if (error instanceof TransitionRefusedError) return error.guard ?? 'state-table';
  if (error instanceof HandoffRefusedError) return error.rule ?? 'handoff';
  if (error instanceof MacroRefusedError) return error.rule;
  return error.code;
}

/** One thing a macro changes, as its audit entry records it (before → after). */
export interface MacroChange {
  readonly action: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

export interface MacroOutcome {
  readonly ok: true;
  readonly ticket: Ticket;
  readonly audit: readonly AuditEvent[];
  readonly events: readonly DomainEvent[];
  readonly messages: readonly Message[];
  /** The reply as it is written (placeholders filled), if the macro has one. */
  readonly reply?: { readonly visibility: 'public' | 'internal'; readonly body: string };
  /** Every change after the macro's own entry, in the order applied. */
  readonly changes: readonly MacroChange[];
}

/** The macro's reply for this ticket: `{{name}}` and `{{fields.<name>}}` filled, unknown ones empty. */
export function renderMacroReply(
  reply: string,
  ticket: Ticket,
  config: Pick<WorkflowConfig, 'requestTypes' | 'queues'>,
  agentEmail: string,
): string {
  const vars: Record<string, string> = {
    reference: ticket.reference,
    subject: ticket.subject,
    greeting: greeting(ticket.requester.name),
    requesterName: ticket.requester.name ?? '',
    requestTypeLabel: config.requestTypes[ticket.requestType]?.label ?? ticket.requestType,
    queue: config.queues[ticket.queue]?.name ?? ticket.queue,
    priority: ticket.priority,
    agentEmail,
    ...Object.fromEntries(Object.entries(ticket.fields).map(([k, v]) => [`fields.${k}`, v])),
  };
  // The mail placeholder engine; its subject (the reference) is not used.
  return renderTemplate({ subject: ticket.reference, text: reply }, vars, ticket.reference).text.trim();
}

/** The tags a macro leaves on a ticket: its own plus `add`, minus `remove`. */
export function tagsAfter(
  ticket: Pick<Ticket, 'tags'>,
  change: { add?: readonly string[]; remove?: readonly string[] },
): string[] {
  const removed = new Set(change.remove ?? []);
  return [...ticket.tags, ...(change.add ?? [])].filter((t) => !removed.has(t));
}

type Step =
  | { ok: true; ticket: Ticket; audit: AuditEvent; event?: DomainEvent; message?: Message }
  | { ok: false; error: DomainError }
  /** The action would change nothing (the tags are there, the queue or state is already the macro's). */
  | { ok: 'skip' };

/**
 * Applies `macro` to `ticket` as `ctx.actor`. Primary course: the macro's own audit entry; its fields,
 * priority and tags (so a handoff rule or a guard that needs them sees them); its queue; its reply
 * (rendered on the ticket as changed so far, written before any state change, so a macro that resolves
 * still answers); its state. Actions that would change nothing are left out; one refused refuses all.
 */
export function applyMacro(
  ticket: Ticket,
  macroId: string,
  macro: Macro,
  config: Pick<WorkflowConfig, 'requestTypes' | 'queues' | 'handoffs'>,
  ctx: AgentContext & { readonly agentEmail: string },
): MacroOutcome | { ok: false; error: MacroRefusedError } {
  const named = `macro "${macro.title}" (${macroId})`;
  const opening = { ...ticket, auditSeq: ticket.auditSeq + 1 };
  const audit: AuditEvent[] = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: opening.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'macro.applied',
      before: null,
      after: { macro: macroId, title: macro.title },
    }),
  ];
  const events: DomainEvent[] = [];
  const messages: Message[] = [];
  let reply: MacroOutcome['reply'];
  let current: Ticket = opening;
  const { actions } = macro;

  const steps: Array<[MacroStep, (t: Ticket) => Step]> = [
    [
      'update',
      (t) => {
        const change = {
          ...(actions.priority !== undefined ? { priority: actions.priority } : {}),
          ...(actions.tags !== undefined ? { tags: tagsAfter(t, actions.tags) } : {}),
          ...(actions.fields !== undefined ? { fields: actions.fields } : {}),
        };
        if (Object.keys(change).length === 0) return { ok: 'skip' };
        const out = updateTicket(t, change, config, ctx);
        return !out.ok && out.error.rule === 'nothing-changed' ? { ok: 'skip' } : out;
      },
    ],
    [
      'queue',
      (t) =>
        actions.queue === undefined || actions.queue === t.queue
          ? { ok: 'skip' }
          : handOff(t, actions.queue, config, { ...ctx, reason: named }),
    ],
    [
      'reply',
      (t) => {
        if (macro.reply === undefined) return { ok: 'skip' };
        const visibility = macro.visibility ?? 'internal';
        const body = renderMacroReply(macro.reply, t, config, ctx.agentEmail);
        reply = { visibility, body };
        return addAgentMessage(t, { visibility, body, author: { email: ctx.agentEmail } }, ctx);
      },
    ],
    [
      'state',
      (t) =>
        actions.state === undefined || actions.state === t.state
          ? { ok: 'skip' }
          : transition(t, actions.state, { ...ctx, reason: named, nextSeq: t.auditSeq + 1 }),
    ],
  ];

  for (const [name, step] of steps) {
    const out = step(current);
    if (out.ok === 'skip') continue;
    if (!out.ok)
      return {
        ok: false,
        error: new MacroRefusedError(macroId, name, refusalRule(out.error), out.error.message, {
          cause: out.error,
        }),
      };
    current = out.ticket;
    audit.push(out.audit.reason === undefined ? { ...out.audit, reason: named } : out.audit);
    if (out.event) events.push(out.event);
    if (out.message) messages.push(out.message);
  }

  if (audit.length === 1)
    return {
      ok: false,
      error: new MacroRefusedError(
        macroId,
        'update',
        'nothing-changed',
        `${ticket.reference} already is as the macro would leave it`,
      ),
    };
  // One write, one version step: every event announces the version the write makes.
  const version = ticket.version + 1;
  const next: Ticket = { ...current, version, updatedAt: ctx.at.toISOString() };
  return {
    ok: true,
    ticket: next,
    audit,
    events: events.map((e) => ({ ...e, detail: { ...e.detail, version } }) as DomainEvent),
    messages,
    ...(reply ? { reply } : {}),
    changes: audit.slice(1).map((a) => ({ action: a.action, before: a.before, after: a.after })),
  };
}
