import { IsoDateTime, TicketId } from './ticket';
import * as z from './zod';

export const Actor = z.object({
  kind: z.enum(['system', 'customer', 'agent', 'integration']),
  id: z.string().check(z.minLength(1)),
});
export type Actor = z.infer<typeof Actor>;

const Snapshot = z.nullable(z.record(z.string(), z.unknown()));

export const AuditEventSchema = z.object({
  id: TicketId,
  ticketId: TicketId,
  // Per-ticket and gapless, so two events written in the same millisecond still have an order.
  seq: z.int().check(z.minimum(1)),
  at: IsoDateTime,
  actor: Actor,
  action: z.string().check(z.regex(/^[a-z_]+\.[a-z_]+$/, 'must look like <entity>.<past_tense_verb>')),
  before: Snapshot,
  after: Snapshot,
  reason: z.optional(z.string()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export function auditEvent(input: {
  newId: () => string;
  ticketId: string;
  seq: number;
  at: Date;
  actor: Actor;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string | undefined;
}): AuditEvent {
  const { newId, at, reason, ...rest } = input;
  return { id: newId(), ...rest, at: at.toISOString(), ...(reason !== undefined ? { reason } : {}) };
}
