import {
  type Aggregate,
  ApprovalSchema,
  AuditEventSchema,
  addInto,
  agingBuckets,
  approvalIncrements,
  auditIncrement,
  countsInFlowMetrics,
  DomainError,
  daysBetween,
  emptyAggregate,
  FLOW_AUDIT_ACTIONS,
  flowNumbers,
  TicketSchema,
  ticketIncrements,
  totals,
} from '../domain';
import {
  ArticleViewSchema,
  articleViewIncrement,
  DeflectionSchema,
  deflectionIncrement,
  type GapCoverage,
  gapCoverage,
} from '../domain/deflection';
import type { ArticleSearchPort, MetricStorePort, ProjectedRecord, TicketRepositoryPort } from './ports';
import { OPEN_STATES } from './queues';

/** A table stream record as the consumer sees it: images already unmarshalled, keys stripped or not. */
export interface ChangeRecord {
  readonly id: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
}

const KEY_ATTRIBUTES = /^(pk|sk|entity|expiresAt|gsi\d+(pk|sk))$/;
const strip = (image: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(image).filter(([k]) => !KEY_ATTRIBUTES.test(k)));

/**
 * What a table change means for the flow metrics. Primary course: a ticket change → its increments and
 * driver (pure, from the old and new image); a credit approval asked or approved, and a new audit entry
 * that counts (a CSAT answer, a reminder, status update or follow-up the clock sent, a "no reply"
 * resolution, a closing by who closed it, an article that solved it) → increments attributed to the
 * ticket's queue and request type (one read of the ticket); a new deflection or article view → its own
 * increment; anything else → nothing.
 */
export async function projectChange(
  record: ChangeRecord,
  ports: { tickets: Pick<TicketRepositoryPort, 'get'> },
): Promise<ProjectedRecord> {
  const none = { id: record.id, increments: [], drivers: [] };
  const image = record.newImage;
  if (record.eventName === 'REMOVE' || !image) return none;
  switch (image.entity) {
    case 'ticket': {
      const ticket = TicketSchema.parse(strip(image));
      const previous = record.oldImage ? TicketSchema.parse(strip(record.oldImage)) : undefined;
      return { id: record.id, ...ticketIncrements(previous, ticket) };
    }
    case 'approval': {
      const approval = ApprovalSchema.parse(strip(image));
      const previous = record.oldImage ? ApprovalSchema.parse(strip(record.oldImage)) : undefined;
      if (approval.kind !== 'credit') return none;
      const ticket = await ports.tickets.get(approval.ticketId);
      return ticket ? { ...none, increments: approvalIncrements(previous, approval, ticket) } : none;
    }
    case 'audit': {
      if (record.eventName !== 'INSERT' || !FLOW_AUDIT_ACTIONS.has(String(image.action))) return none;
      const audit = AuditEventSchema.parse(strip(image));
      // Most state changes count nothing here (the ticket's own image has them): no read for those.
      if (!countsInFlowMetrics(audit)) return none;
      const ticket = await ports.tickets.get(audit.ticketId);
      const increment = ticket ? auditIncrement(audit, ticket) : undefined;
      return increment ? { ...none, increments: [increment] } : none;
    }
    // Tier 0 (issue 18): a deflection a form recorded, an article page opened.
    case 'deflection':
      return record.eventName === 'INSERT'
        ? { ...none, increments: [deflectionIncrement(DeflectionSchema.parse(strip(image)))] }
        : none;
    case 'article-view':
      return record.eventName === 'INSERT'
        ? { ...none, increments: [articleViewIncrement(ArticleViewSchema.parse(strip(image)))] }
        : none;
    default:
      return none;
  }
}

const MAX_DAYS = 366;

/** A range of days the flow metrics cannot be read over (reversed, or longer than a year). */
export class MetricsRangeError extends DomainError {
  override readonly name = 'MetricsRangeError';
  readonly code = 'METRICS.INVALID_RANGE';
}

/**
 * Flow metrics over a date range. Primary course: read each day's partition (a Query per day); keep the
 * cells of the queue/request type asked for; sum them per day and over the range; add the backlog and its
 * aging as they are now (queue index) and the top drivers of the range.
 */
export async function readFlowMetrics(
  input: {
    from: string;
    to: string;
    queue?: string | undefined;
    requestType?: string | undefined;
    now: Date;
    queues: readonly string[];
  },
  ports: { metrics: Pick<MetricStorePort, 'day'>; tickets: Pick<TicketRepositoryPort, 'listQueue'> },
) {
  const days = daysBetween(input.from, input.to);
  if (days.length === 0 || days.length > MAX_DAYS)
    throw new MetricsRangeError(`from must not be after to, and a range is at most ${MAX_DAYS} days`);
  const keep = (c: { queue: string; requestType: string }) =>
    (!input.queue || c.queue === input.queue) && (!input.requestType || c.requestType === input.requestType);
  const range = emptyAggregate();
  const perDay = [];
  const drivers = new Map<string, { driver: string; requestType: string; label: string; count: number }>();
  for (const day of days) {
    const { cells, drivers: dayDrivers } = await ports.metrics.day(day);
    const agg: Aggregate = emptyAggregate();
    for (const cell of cells.filter(keep)) {
      addInto(agg, cell);
      addInto(range, cell);
    }
    perDay.push({ day, ...flowNumbers(agg) });
    for (const d of dayDrivers.filter((x) => !input.requestType || x.requestType === input.requestType)) {
      const entry = drivers.get(d.driver) ?? {
        driver: d.driver,
        requestType: d.requestType,
        label: d.label,
        count: 0,
      };
      entry.count += d.count;
      drivers.set(d.driver, entry);
    }
  }
  return {
    from: input.from,
    to: input.to,
    ...(input.queue ? { queue: input.queue } : {}),
    ...(input.requestType ? { requestType: input.requestType } : {}),
    days: perDay,
    totals: totals(range),
    backlog: await backlog(input, ports),
    drivers: [...drivers.values()].toSorted((a, b) => b.count - a.count).slice(0, 10),
  };
}

/** Open tickets now, by state, queue and age (queue index, one Query per queue × open state, paged). */
async function backlog(
  input: {
    queue?: string | undefined;
    requestType?: string | undefined;
    now: Date;
    queues: readonly string[];
  },
  ports: { tickets: Pick<TicketRepositoryPort, 'listQueue'> },
) {
  const byState: Record<string, number> = Object.fromEntries(OPEN_STATES.map((s) => [s, 0]));
  const byQueue: Record<string, number> = {};
  const createdAts: string[] = [];
  for (const queue of input.queue ? [input.queue] : input.queues) {
    for (const state of OPEN_STATES) {
      let cursor: string | undefined;
      do {
        const page = await ports.tickets.listQueue(queue, state, { limit: 100, cursor });
        for (const t of page.tickets) {
          if (input.requestType && t.requestType !== input.requestType) continue;
          byState[state] = (byState[state] ?? 0) + 1;
          byQueue[queue] = (byQueue[queue] ?? 0) + 1;
          createdAts.push(t.createdAt);
        }
        cursor = page.cursor;
      } while (cursor);
    }
  }
  return { open: createdAts.length, byState, byQueue, aging: agingBuckets(createdAts, input.now) };
}

/**
 * The KB-gap signal: drivers seen more than `threshold` times in the last `windowDays` days, with example
 * tickets — what deserves documentation (seed 003) — and, with a search, whether a published external
 * article covers each (its best match for the driver's words and request type: "missing", or "exists
 * but does not deflect").
 */
export async function readKbGaps(
  input: { windowDays: number; threshold: number; now: Date },
  ports: { metrics: Pick<MetricStorePort, 'day'>; search?: ArticleSearchPort },
) {
  const to = input.now.toISOString().slice(0, 10);
  const from = new Date(input.now.getTime() - (input.windowDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const drivers = new Map<
    string,
    {
      driver: string;
      requestType: string;
      label: string;
      count: number;
      examples: Array<{ ticketId: string; reference: string; subject: string }>;
    }
  >();
  for (const day of daysBetween(from, to)) {
    for (const d of (await ports.metrics.day(day)).drivers) {
      const entry = drivers.get(d.driver) ?? {
        driver: d.driver,
        requestType: d.requestType,
        label: d.label,
        count: 0,
        examples: [],
      };
      entry.count += d.count;
      for (const ex of d.examples) if (entry.examples.length < 5) entry.examples.push(ex);
      drivers.set(d.driver, entry);
    }
  }
  return {
    windowDays: input.windowDays,
    threshold: input.threshold,
    from,
    to,
    gaps: await withCoverage(
      [...drivers.values()].filter((d) => d.count > input.threshold).toSorted((a, b) => b.count - a.count),
      ports.search,
    ),
  };
}

/** Each gap with its coverage (one search per gap: the list is short, drivers over a threshold). */
async function withCoverage<G extends { requestType: string; label: string }>(
  gaps: G[],
  search: ArticleSearchPort | undefined,
): Promise<Array<G & { coverage?: GapCoverage }>> {
  if (!search) return gaps;
  return Promise.all(
    gaps.map(async (gap) => {
      const [best] = await search.search(gap.label, {
        audience: 'external',
        requestType: gap.requestType,
        limit: 1,
      });
      return { ...gap, coverage: gapCoverage(best) };
    }),
  );
}
