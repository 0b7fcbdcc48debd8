import { TicketDraftSchema } from '../domain';
import {
  AccountInput,
  BodyInput,
  blankAsAbsent,
  FieldValuesInput,
  RequesterInput,
  SubjectInput,
  TagsInput,
} from '../domain/ticket-input';
import * as z from '../domain/zod';

/**
 * The public webhook body (DESIGN.md "Public contracts"). Unknown top-level keys are ignored. Every part
 * is a ticket-input.ts schema, so what is accepted is what the ticket's read side parses.
 */
export const WebhookPayload = z.object({
  id: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  subject: SubjectInput,
  body: BodyInput,
  requester: RequesterInput,
  account: z.optional(AccountInput),
  requestType: blankAsAbsent(TicketDraftSchema.shape.requestType),
  fields: z.optional(FieldValuesInput),
  tags: z.optional(TagsInput),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** API Gateway allows far more; we refuse webhook bodies over 256 KiB before reading them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
