import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';

/** A stored item that no longer parses: where it is and what is wrong with it (paths, never values). */
export interface UnreadableItem {
  readonly pk: string;
  readonly sk: string;
  readonly entity: string;
  readonly problems: readonly string[];
}

/** What a read does with an item it cannot parse, besides leaving it out (or refusing a single read of it). */
export type UnreadableItemReporter = (item: UnreadableItem) => void;

export const UNREADABLE_ITEMS_METRIC = 'UnreadableItems';

let metrics: Metrics | undefined;

/**
 * Logs the item's key (table keys hold ids and timestamps, no personal data; index keys, which hold
 * addresses, are left out) and counts it as the `UnreadableItems` metric (CloudWatch EMF, by entity), so an
 * alarm can say that something wrote what the read side refuses.
 */
export const reportUnreadableItem: UnreadableItemReporter = (item) => {
  logger.error('unreadable item left out', {
    metric: UNREADABLE_ITEMS_METRIC,
    key: { pk: item.pk, sk: item.sk },
    entity: item.entity,
    problems: item.problems,
  });
  metrics ??= new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Frontdoor',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'frontdoor',
  });
  const single = metrics.singleMetric();
  single.addDimension('entity', item.entity);
  single.addMetric(UNREADABLE_ITEMS_METRIC, MetricUnit.Count, 1);
};
