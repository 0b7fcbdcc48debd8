import * as z from '../domain/zod';

/**
 * The body of `POST /v1/events/{source}`: an external event as its system reports it. `detail` is
 * checked against the catalog's schema for `type` by the use case, so its issues carry `detail.` paths.
 * `id` is the sender's own delivery id, echoed for its logs; deduplication is by the fact's business key.
 */
export const EventDelivery = z.object({
  type: z.string().check(z.minLength(1), z.maxLength(128)),
  detail: z.unknown(),
  id: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});
export type EventDelivery = z.infer<typeof EventDelivery>;
