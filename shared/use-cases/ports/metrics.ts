// The flow-metric aggregates: what a table change adds to them, and one day of them read back.
import type { DriverIncrement, MetricIncrement } from '../../domain';

/** What one table stream record adds to the aggregates (applied exactly once per `id`). */
export interface ProjectedRecord {
  readonly id: string;
  readonly increments: readonly MetricIncrement[];
  readonly drivers: readonly DriverIncrement[];
}

export interface MetricCell {
  readonly day: string;
  readonly queue: string;
  readonly requestType: string;
  readonly counters: Record<string, number>;
  readonly firstResponseMinutes: number[];
  readonly resolutionHours: number[];
  readonly closeHours: number[];
}

export interface DriverCell {
  readonly day: string;
  readonly driver: string;
  readonly requestType: string;
  readonly label: string;
  readonly count: number;
  readonly examples: Array<{ ticketId: string; reference: string; subject: string }>;
}

export interface MetricStorePort {
  /** Applies records, each exactly once; answers how many were newly applied. */
  apply(records: readonly ProjectedRecord[]): Promise<number>;
  /** One day's cells and drivers. */
  day(day: string): Promise<{ cells: MetricCell[]; drivers: DriverCell[] }>;
}
