import { z } from 'zod';
import { AccountContext, FieldValues, Requester } from '../domain';

/** The public webhook body (DESIGN.md "Public contracts"). Unknown top-level keys are ignored. */
export const WebhookPayload = z.object({
  id: z.string().trim().min(1).max(200),
  subject: z.string().trim().min(1).max(998),
  body: z.string().max(200_000),
  requester: Requester,
  account: AccountContext.optional(),
  requestType: z.string().min(1).max(64).optional(),
  fields: FieldValues.optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** API Gateway allows far more; we refuse webhook bodies over 256 KiB before reading them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
