import { AgentActionRefusedError, type AgentContext } from './agent-work';
import { type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import type { IntentLabel, Ticket } from './ticket';

/** What an agent may call a ticket's intent: a request type, an intent the model knows, or one it predicted. */
export function allowedIntents(
  ticket: Pick<Ticket, 'intent'>,
  requestTypes: readonly string[],
  modelIntents: readonly string[],
): string[] {
  const predicted = ticket.intent?.predicted?.top.map((t) => t.name) ?? [];
  return [...new Set([...requestTypes, ...modelIntents, ...predicted])].sort();
}

/**
 * An agent confirms the predicted intent (the same name) or corrects it (another): the ticket keeps the
 * prediction and gains the label, the audit says which it was. The label is what the next model learns
 * from (issue 19: "corrections are labels for the next training"). A name outside `allowed` is refused
 * (422 naming the allowed ones); labelling again with the same name changes nothing and is refused too.
 */
export function labelIntent(
  ticket: Ticket,
  name: string,
  ctx: AgentContext & { readonly allowed: readonly string[] },
):
  | { ok: true; ticket: Ticket; audit: AuditEvent; label: IntentLabel }
  | { ok: false; error: AgentActionRefusedError } {
  const wanted = name.trim();
  if (!ctx.allowed.includes(wanted))
    return {
      ok: false,
      error: new AgentActionRefusedError(
        'intent-known',
        'invalid',
        `"${wanted}" is not an intent here; choose one of: ${ctx.allowed.join(', ')}`,
        [{ path: 'intent', message: `unknown intent "${wanted}"` }],
      ),
    };
  if (ticket.intent?.label?.name === wanted)
    return {
      ok: false,
      error: new AgentActionRefusedError(
        'nothing-changed',
        'invalid',
        `${ticket.reference}'s intent is already ${wanted} (by ${ticket.intent.label.by})`,
      ),
    };
  const label: IntentLabel = { name: wanted, by: ctx.actor.id, at: ctx.at.toISOString() };
  const predicted = ticket.intent?.predicted;
  const next: Ticket = { ...nextRevision(ticket, ctx.at), intent: { ...ticket.intent, label } };
  const verdict = predicted === undefined ? 'set' : predicted.name === wanted ? 'confirmed' : 'corrected';
  return {
    ok: true,
    ticket: next,
    label,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'intent.labelled',
      before: {
        ...(predicted ? { predicted: predicted.name, confidence: predicted.confidence } : {}),
        ...(ticket.intent?.label ? { label: ticket.intent.label.name } : {}),
      },
      after: {
        label: wanted,
        verdict,
        ...(predicted ? { modelVersion: predicted.modelVersion } : {}),
      },
    }),
  };
}
