import { AccountContext, FieldValues, Requester } from '../domain';
import * as z from '../domain/zod';

/** The public webhook body (DESIGN.md "Public contracts"). Unknown top-level keys are ignored. */
export const WebhookPayload = z.object({
  id: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  subject: z.string().check(z.trim(), z.minLength(1), z.maxLength(998)),
  body: z.string().check(z.maxLength(200_000)),
  requester: Requester,
  account: z.optional(AccountContext),
  requestType: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  fields: z.optional(FieldValues),
  tags: z.optional(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(50)),
  ),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** API Gateway allows far more; we refuse webhook bodies over 256 KiB before reading them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
