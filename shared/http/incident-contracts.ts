/**
 * The incident routes' request shapes (zod): handlers validate with them and the topology's rows name them,
 * so the OpenAPI document shows them.
 */
import { IncidentRule } from '../domain';
import * as z from '../domain/zod';

const title = z.string().check(z.trim(), z.minLength(1, 'give the incident a title'), z.maxLength(200));
/** Ticket ids (ULID) or references (`FD-<n>`), at most 100 per request. */
const TicketList = z
  .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(32)))
  .check(z.minLength(1, 'name at least one ticket'), z.maxLength(100));

/** `POST /v1/tickets/{id}/incident`: the ticket becomes an incident (title: its subject when absent). */
export const DeclareIncidentBody = z.object({
  title: z.optional(title),
  rule: z.optional(IncidentRule),
});

/** `POST /v1/incidents`: a new incident for a selection of tickets. */
export const OpenIncidentBody = z.object({
  title,
  /** The incident's first (internal) message: what is known so far. */
  body: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000))),
  rule: z.optional(IncidentRule),
  tickets: TicketList,
});

/** `POST /v1/incidents/{id}/links` and `/unlink`. */
export const IncidentTicketsBody = z.object({ tickets: TicketList });
