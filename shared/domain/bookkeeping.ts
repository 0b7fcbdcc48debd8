import type { AuditEvent } from './audit';
import type { Ticket } from './ticket';

/**
 * Audit actions that only record what the system did or measured on its own: a mail went out (the change
 * that asked for it already has its version), an approval reminder went out, the SLA clock recorded a
 * target as met, warned or breached. None of them touches what an agent's write reads or replaces (state,
 * queue, assignee, priority, tags, fields, blocks), and every write is decided on the ticket as it is
 * when written, so it keeps them. What such a record sets off is written with its own action and is not
 * bookkeeping: an escalation that moves the queue (`ticket.escalated`), an expiry that unblocks
 * (`approval.expired`). Neither is a bounce (`mail.delivery_failed`): it tags the ticket and tells the
 * agent the customer did not get the mail.
 */
export const BOOKKEEPING_ACTIONS: ReadonlySet<string> = new Set([
  'mail.sent',
  'approval.reminded',
  'sla.met',
  'sla.warned',
  'sla.breached',
  // An incident's fan-out handing its next page on (incident-fan-out.ts): the incident itself is unchanged.
  'incident.fan_out_continued',
  // The time of an incident's first public update, recorded for the flow metrics.
  'incident.first_update',
]);

/**
 * A write is bookkeeping when the system made every one of its audit entries and each is a bookkeeping
 * action. A write with no audit entry at all (the SLA clock re-timing a paused or resumed target) is
 * bookkeeping too: every change a person or a rule makes is audited.
 */
export function isBookkeeping(audit: ReadonlyArray<Pick<AuditEvent, 'actor' | 'action'>>): boolean {
  return audit.every((a) => a.actor.kind === 'system' && BOOKKEEPING_ACTIONS.has(a.action));
}

/** The version of the ticket's last change that was not bookkeeping (every version, for items older than the field). */
export function contentVersionOf(ticket: Pick<Ticket, 'version' | 'contentVersion'>): number {
  return ticket.contentVersion ?? ticket.version;
}

/**
 * The ticket as a write stores it: a change moves `contentVersion` to its own version, bookkeeping keeps
 * the one it found. `previousVersion` is the version the write replaces (what an item written before the
 * field existed counts as). Applying it twice gives the same ticket.
 */
export function withContentVersion(
  ticket: Ticket,
  audit: ReadonlyArray<Pick<AuditEvent, 'actor' | 'action'>>,
  previousVersion: number,
): Ticket {
  const contentVersion = isBookkeeping(audit) ? (ticket.contentVersion ?? previousVersion) : ticket.version;
  return { ...ticket, contentVersion };
}

/**
 * Whether an agent's `If-Match` version is stale: the ticket changed after it (a later version that was
 * not bookkeeping), or it names a version the ticket never reached. Bookkeeping since then does not make
 * it stale; the write is then decided on the ticket as it is now, at its current version.
 */
export function isStaleVersion(
  ticket: Pick<Ticket, 'version' | 'contentVersion'>,
  expectedVersion: number,
): boolean {
  return expectedVersion > ticket.version || contentVersionOf(ticket) > expectedVersion;
}
