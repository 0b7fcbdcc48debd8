import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * How many domain events of each detail-type went onto the bus, as CloudWatch metrics: one Embedded
 * Metric Format line per published batch (namespace `Frontdoor`, one metric per detail-type, dimension
 * `EventBus` = the bus's name, `frontdoor-<stage>`), which Lambda turns into metrics from the log. The
 * operations dashboard reads tickets created, SLA breaches and escalations from it.
 *
 * Only detail-types and counts: never an event's detail (requester addresses, subjects are PII).
 */
export const EVENT_METRICS = { namespace: 'Frontdoor', dimension: 'EventBus' } as const;

/** Counts of `types`, one metric per detail-type, in the order first seen. */
export function countByType(types: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * A metrics writer for one bus: its only dimension is the bus (Powertools' default `service` dimension
 * is cleared, so the dashboard's metric identity is the bus name alone).
 */
export function busMetrics(busName: string): Metrics {
  const metrics = new Metrics({ namespace: EVENT_METRICS.namespace });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ [EVENT_METRICS.dimension]: busName });
  return metrics;
}

/** Adds one count per detail-type to `metrics` and writes them as one EMF line (nothing when empty). */
export function recordPublished(metrics: Metrics, types: readonly string[]): void {
  if (types.length === 0) return;
  for (const [type, count] of countByType(types)) metrics.addMetric(type, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
}
