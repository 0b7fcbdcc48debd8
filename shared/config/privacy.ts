/**
 * Personal data in the workflow config (issue 22): the request type of the ticket an erasure is tracked
 * and approved on, and how long the bodies and attachments of closed tickets are kept, per request type.
 */
import * as z from '../domain/zod';
import { snakeId } from './primitives';

export const RetentionSchema = z.object({
  /**
   * Days after a ticket closed when its bodies and attachments are purged and its requester replaced by a
   * pseudonym; the ticket stays (states, times, queue, type: what the metrics read).
   */
  purgeClosedAfterDays: z.int().check(z.minimum(1), z.maximum(36_500)),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const PrivacySchema = z.object({
  /** The request type of the ticket an erasure request opens (its approval is asked on it). */
  erasureRequestType: z._default(snakeId, 'account_change'),
  /** Per request type; a type without an entry is kept until someone asks for an erasure. */
  retention: z._default(z.record(snakeId, RetentionSchema), {}),
});
export type PrivacyConfig = z.infer<typeof PrivacySchema>;

export const DEFAULT_PRIVACY: PrivacyConfig = { erasureRequestType: 'account_change', retention: {} };

/** Cross-checks against the rest of the config: every request type named exists. */
export function checkPrivacy(
  config: { readonly privacy: PrivacyConfig; readonly requestTypes: Readonly<Record<string, unknown>> },
  issue: (path: PropertyKey[], message: string) => void,
): void {
  const known = Object.keys(config.requestTypes);
  const check = (path: PropertyKey[], type: string) => {
    if (!Object.hasOwn(config.requestTypes, type))
      issue(path, `unknown request type "${type}"; known: ${known.join(', ')}`);
  };
  check(['privacy', 'erasureRequestType'], config.privacy.erasureRequestType);
  for (const type of Object.keys(config.privacy.retention)) check(['privacy', 'retention', type], type);
}

/** When a closed ticket's bodies and attachments are due to be purged (closed at `closedAt`), if its type says so. */
export function purgeDueAt(
  ticket: { readonly requestType: string; readonly state: string },
  closedAt: string | undefined,
  privacy: PrivacyConfig,
): string | null {
  const policy = privacy.retention[ticket.requestType];
  if (!policy || ticket.state !== 'closed' || !closedAt) return null;
  return new Date(Date.parse(closedAt) + policy.purgeClosedAfterDays * 86_400_000).toISOString();
}

/** The shortest retention of any request type, in days (raw inbound mail is kept no longer). */
export function shortestRetentionDays(privacy: PrivacyConfig): number | undefined {
  const days = Object.values(privacy.retention).map((r) => r.purgeClosedAfterDays);
  return days.length ? Math.min(...days) : undefined;
}
