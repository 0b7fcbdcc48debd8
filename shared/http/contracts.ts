/**
 * The agent API's request shapes, one zod schema each. Handlers validate with them, and the topology's
 * route rows name them (`contract`), from which the OpenAPI document (`GET /v1/openapi.json`) is generated:
 * the two cannot drift.
 */
import {
  AgentSkills,
  ApprovalRequestSchema,
  Availability,
  Email,
  IncidentRule,
  IsoDateTime,
  isTicketId,
  Priority,
  parseReference,
  Reference,
  TicketState,
} from '../domain';
import { ArticleSlug, MAX_ARTICLE_BODY } from '../domain/articles';
import { FieldValuesInput, INPUT_LIMITS, TagsInput } from '../domain/ticket-input';
import * as z from '../domain/zod';

const reason = (hint: string, max = 1000) =>
  z.string().check(z.trim(), z.minLength(1, hint), z.maxLength(max));
const limit = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25);

export const TransitionBody = z.object({
  to: TicketState,
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
});
export const HandoffBody = z.object({
  to: z.string().check(z.minLength(1)),
  reason: reason('say why the ticket changes hands'),
});
export const EscalateBody = z.object({ reason: reason('say why the ticket needs escalating') });
export const DecisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  // "High-risk requires approval and audit note": every decision says why.
  reason: reason('say why (it goes into the audit trail)', 2000),
});
export const MessageBody = z.object({
  visibility: z.enum(['public', 'internal']),
  body: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'write something'),
      z.maxLength(INPUT_LIMITS.body, `must be at most ${INPUT_LIMITS.body} characters`),
    ),
});
export const AssignBody = z.object({ assignee: z.nullable(Email) });
export const UpdateBody = z.object({
  priority: z.optional(Priority),
  // The whole list (it replaces the ticket's); normalised like every door's tags.
  tags: z.optional(TagsInput),
  // Merged into the ticket's; a blank value clears a field.
  fields: z.optional(FieldValuesInput),
});
/** `PUT /v1/tickets/{id}/intent`: the intent an agent confirms (the predicted one) or corrects it to (issue 19). */
export const IntentLabelBody = z.object({
  intent: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
});
export const MergeBody = z.object({
  into: z.string().check(z.minLength(1)),
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
});
export const ApprovalBody = ApprovalRequestSchema;
/** `PUT /v1/agents/me`: the caller's availability and (optionally, replacing them) skills (issue 17). */
export const AgentProfileBody = z.object({
  availability: Availability,
  skills: z.optional(AgentSkills),
});

export const SearchQuery = z
  .object({
    requester: z.optional(Email),
    assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
    account: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    reference: z.optional(Reference),
    limit,
    cursor: z.optional(z.string()),
  })
  .check(
    z.refine(
      (q) => [q.requester, q.assignee, q.account, q.reference].filter((v) => v !== undefined).length === 1,
      'give exactly one of requester, assignee (an address or "me"), account or reference',
    ),
  );

export const QueueViewQuery = z.object({
  state: z.optional(TicketState),
  priority: z.optional(Priority),
  assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
  blocked: z.optional(z.enum(['true', 'false'])),
  slaDueBefore: z.optional(IsoDateTime),
  limit,
  cursor: z.optional(z.string()),
});

const isoDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-23'));
/** `day` defaults to today (UTC), which the handler knows from its clock. */
export const MailLogQuery = z.object({ day: z.optional(isoDay) });
/** `POST /v1/privacy/exports` (issue 22): whose data to export, by e-mail address. */
export const ExportBody = z.object({ email: Email });
export const ErasureBody = z.object({
  email: Email,
  /** Why (the request, its legal ground): approvers read it; it is redacted with the data afterwards. */
  reason: z.string().check(z.trim(), z.minLength(1, 'say why the data is to be erased'), z.maxLength(1000)),
});
export const FlowQuery = z.object({
  from: z.optional(isoDay),
  to: z.optional(isoDay),
  queue: z.optional(z.string().check(z.minLength(1))),
  requestType: z.optional(z.string().check(z.minLength(1))),
});
export const KbGapsQuery = z.object({
  days: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(366)), 30),
  threshold: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 20),
});

// ---- bulk actions (issue 17): one action over a queue view's selection, each ticket its own write ----
/** At most this many tickets in one bulk request (a queue view's page). */
const BULK_MAX = 100;
const BulkTicket = z.string().check(
  z.trim(),
  z.refine((s) => isTicketId(s) || parseReference(s) !== undefined, 'a ticket id or a reference like FD-12'),
);
const BulkTickets = z.array(BulkTicket).check(
  z.minLength(1, 'select at least one ticket'),
  z.maxLength(BULK_MAX, `at most ${BULK_MAX} tickets at once`),
  z.refine((refs) => new Set(refs).size === refs.length, 'a ticket is listed twice'),
);
export const BulkBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assign'), tickets: BulkTickets, assignee: z.nullable(Email) }),
  z
    .object({
      action: z.literal('tag'),
      tickets: BulkTickets,
      add: z.optional(TagsInput),
      remove: z.optional(TagsInput),
    })
    .check(
      z.refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, 'give tags to add or to remove'),
    ),
  z.object({
    action: z.literal('transition'),
    tickets: BulkTickets,
    to: TicketState,
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1000))),
  }),
  // The incident (its id or reference) the selection is linked to.
  z.object({ action: z.literal('link_incident'), tickets: BulkTickets, incident: BulkTicket }),
]);

// ---- incidents (issue 17) ----

const incidentTitle = z
  .string()
  .check(z.trim(), z.minLength(1, 'give the incident a title'), z.maxLength(200));

/** `POST /v1/tickets/{id}/incident`: the ticket becomes an incident (title: its subject when absent). */
export const DeclareIncidentBody = z.object({
  title: z.optional(incidentTitle),
  rule: z.optional(IncidentRule),
});

/** `POST /v1/incidents`: a new incident for a selection of tickets. */
export const OpenIncidentBody = z.object({
  title: incidentTitle,
  /** The incident's first (internal) message: what is known so far. */
  body: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000))),
  rule: z.optional(IncidentRule),
  tickets: BulkTickets,
});

/** `POST /v1/incidents/{id}/links` and `/unlink`: ticket ids or references, as a bulk selection. */
export const IncidentTicketsBody = z.object({ tickets: BulkTickets });

// ---- Tier 0 deflection (issue 18): the hosted form's "This answered my question" ----
export { DeflectionInput as DeflectionBody } from '../domain/deflection';

// ---- knowledge base (issue 18): search, authoring, the help centre ----
const kbQueryText = z._default(z.string().check(z.maxLength(500)), '');
/** `GET /v1/kb/search` and `/v1/kb/internal-search`: the text, optionally one request type, a few hits. */
export const KbSearchQuery = z.object({
  q: kbQueryText,
  requestType: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(20)), 5),
});
/** `PUT /v1/kb/articles/{slug}`: the article as its author writes it (the slug is the path's). */
export { ArticleInputSchema as ArticleBody } from '../domain/articles';
/** The `{slug}` of `/v1/kb/articles/{slug}`. */
export const ArticlePath = z.object({ slug: ArticleSlug });
/** `POST /v1/kb/preview`: Markdown to render, nothing stored. */
export const ArticlePreviewBody = z.object({ body: z.string().check(z.maxLength(MAX_ARTICLE_BODY)) });
/** `GET /help?q=`: the help centre, searched when `q` is given. */
export const HelpQuery = z.object({ q: kbQueryText });
