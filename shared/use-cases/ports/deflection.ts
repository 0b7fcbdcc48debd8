// Tier 0 deflection records (issue 18): what a form's "This answered my question" and an opened article
// leave in the store, for the flow metrics to count from the table stream.
import type { ArticleView, Deflection } from '../../domain/deflection';

export interface DeflectionLedgerPort {
  /** Stores a deflection once per id: answers false (and writes nothing) when that id is stored already. */
  record(deflection: Deflection): Promise<boolean>;
  /** Stores one opening of an article page (kept a week: the metrics count it as it is written). */
  recordView(view: ArticleView): Promise<void>;
}
