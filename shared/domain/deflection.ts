/**
 * Tier 0 deflection (issue 18): a customer who finds their answer in an article before or after filing.
 * Pure: the shape of a deflection a hosted form records ("This answered my question"), of an article view,
 * what each adds to the flow metrics, how a ticket is resolved as self-served from the "this solved it"
 * link of its acknowledgement, and whether an article covers a KB-gap driver.
 */
import { ArticleSlug } from './articles';
import { type AuditEvent, auditEvent } from './audit';
import type { TicketStateChangedEvent } from './events';
import { transition } from './states';
import type { Ticket } from './ticket';
import * as z from './zod';

const RequestTypeRef = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_]*$/, 'must be a request type id'), z.maxLength(64));

/**
 * `POST /v1/kb/deflections`: what the form says when an article answered the customer. `id` is the
 * form's own (a UUID per page load), so a retry records once.
 */
export const DeflectionInput = z.object({
  id: z.optional(z.uuid()),
  query: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  slug: ArticleSlug,
  requestType: RequestTypeRef,
});
export type DeflectionInput = z.infer<typeof DeflectionInput>;

/** A stored deflection: nothing was filed because this article answered this query. */
export const DeflectionSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  query: z.string().check(z.maxLength(500)),
  slug: ArticleSlug,
  requestType: z.string().check(z.minLength(1)),
  /** The request type's default queue: the cell its deflections count in. */
  queue: z.string().check(z.minLength(1)),
  at: z.iso.datetime(),
});
export type Deflection = z.infer<typeof DeflectionSchema>;

/** Where an article was opened from: the help centre itself, a form's suggestion, a mail's link. */
export const VIEW_SOURCES = ['help', 'form', 'mail'] as const;
export type ViewSource = (typeof VIEW_SOURCES)[number];

export const viewSourceOf = (from: string | undefined): ViewSource =>
  (VIEW_SOURCES as readonly string[]).includes(from ?? '') ? (from as ViewSource) : 'help';

/** One opening of an article page. */
export const ArticleViewSchema = z.object({
  id: z.string().check(z.minLength(1)),
  slug: ArticleSlug,
  source: z.enum(VIEW_SOURCES),
  at: z.iso.datetime(),
});
export type ArticleView = z.infer<typeof ArticleViewSchema>;

/** What a deflection or view adds to a flow-metric cell (a `MetricIncrement` of metrics.ts, which imports this module). */
export interface CellIncrement {
  readonly key: { readonly day: string; readonly queue: string; readonly requestType: string };
  readonly counters: Readonly<Record<string, number>>;
}

/** The cell of metrics that belong to no request type (article views). */
export const KB_CELL = { queue: '(kb)', requestType: '(kb)' } as const;

export function deflectionIncrement(d: Deflection): CellIncrement {
  return {
    key: { day: d.at.slice(0, 10), queue: d.queue, requestType: d.requestType },
    counters: { deflections: 1 },
  };
}

export function articleViewIncrement(view: ArticleView): CellIncrement {
  return {
    key: { day: view.at.slice(0, 10), ...KB_CELL },
    counters: { articleViews: 1, [`articleViews_${view.source}`]: 1 },
  };
}

/** The audit action of a "this solved it" answer (`after`: the slug, and whether it resolved the ticket). */
export const ARTICLE_SOLVED = 'article.solved';
/** The state change's cause when the customer resolved the ticket themselves. */
export const SELF_SERVICE_CAUSE = 'self_service';
/** Days a "this solved it" link of an acknowledgement stays valid. */
export const SOLVED_LINK_DAYS = 30;

/** The counters of an `article.solved` audit entry: always a "solved", a self-served resolution when it resolved. */
export function solvedCounters(after: Record<string, unknown> | null | undefined): Record<string, number> {
  return after?.selfServed === true ? { articleSolved: 1, selfServed: 1 } : { articleSolved: 1 };
}

export type SelfServeOutcome =
  | {
      readonly kind: 'recorded';
      readonly selfServed: boolean;
      readonly ticket: Ticket;
      readonly audit: readonly AuditEvent[];
      readonly events: readonly TicketStateChangedEvent[];
    }
  | { readonly kind: 'already_recorded'; readonly ticket: Ticket };

const OPEN_TO_RESOLVED: Readonly<Record<string, readonly Ticket['state'][]>> = {
  new: ['in_progress', 'resolved'],
  needs_info: ['resolved'],
  in_progress: ['resolved'],
  waiting_on_customer: ['resolved'],
  waiting_on_team: ['resolved'],
};

/**
 * The requester says an article of their acknowledgement solved it. Once per ticket and article: audit
 * `article.solved`; an open ticket is also resolved by the customer (a new one through in_progress), each
 * move a `ticket.state_changed` with cause `self_service`. A resolved or closed ticket only records the
 * answer (it counts as "solved", not as a self-served resolution). A move the rules refuse (an approval
 * still pending) records the answer and leaves the ticket where it is.
 */
export function selfServe(
  ticket: Ticket,
  audit: readonly Pick<AuditEvent, 'action' | 'after'>[],
  slug: string,
  ctx: { readonly at: Date; readonly newId: () => string },
): SelfServeOutcome {
  if (audit.some((a) => a.action === ARTICLE_SOLVED && a.after?.slug === slug))
    return { kind: 'already_recorded', ticket };
  const actor = { kind: 'customer', id: ticket.requester.email } as const;
  const reason = `the customer said the article "${slug}" solved it`;
  let current = ticket;
  const moves: AuditEvent[] = [];
  const events: TicketStateChangedEvent[] = [];
  for (const to of OPEN_TO_RESOLVED[ticket.state] ?? []) {
    const next = { at: ctx.at, newId: ctx.newId, nextSeq: current.auditSeq + 1, reason };
    const moved = transition(current, to, { actor, ...next });
    // A move the rules refuse (a pending approval): record the answer, leave the ticket where it is.
    if (!moved.ok) return answered(ticket, [], [], false);
    current = moved.ticket;
    moves.push(moved.audit);
    events.push(moved.event);
  }
  return answered(current, moves, events, moves.length > 0);

  /** The answer's audit entry after `moves`; one write, one version step (as a macro) for all of it. */
  function answered(
    moved: Ticket,
    entries: AuditEvent[],
    announced: TicketStateChangedEvent[],
    selfServed: boolean,
  ): SelfServeOutcome {
    const version = ticket.version + 1;
    const seq = moved.auditSeq + 1;
    const answer = auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq,
      at: ctx.at,
      actor,
      action: ARTICLE_SOLVED,
      before: null,
      after: { slug, selfServed },
    });
    return {
      kind: 'recorded',
      selfServed,
      ticket: { ...moved, version, auditSeq: seq, updatedAt: ctx.at.toISOString() },
      audit: [...entries, answer],
      events: announced.map((e) => ({ ...e, detail: { ...e.detail, version, cause: SELF_SERVICE_CAUSE } })),
    };
  }
}

/** Whether the articles cover a KB-gap driver: its best match and what that means. */
export interface GapCoverage {
  readonly status: 'missing' | 'exists_not_deflecting';
  readonly bestMatch: { readonly slug: string; readonly score: number } | null;
}

/**
 * A hit scoring at least this (minisearch's scale) is relevant: it covers a KB-gap driver, and it may be
 * suggested in a mail. Stray fuzzy matches of common words score well below 1; an article about the
 * question scores 5 and more.
 */
export const RELEVANT_SCORE = 1;

/**
 * A driver over the threshold is a gap either way: no article matches it ("missing"), or one does and the
 * customers still file ("exists but does not deflect").
 */
export function gapCoverage(best: { slug: string; score: number } | undefined): GapCoverage {
  const bestMatch = best ? { slug: best.slug, score: Math.round(best.score * 100) / 100 } : null;
  return {
    status: best && best.score >= RELEVANT_SCORE ? 'exists_not_deflecting' : 'missing',
    bestMatch,
  };
}
