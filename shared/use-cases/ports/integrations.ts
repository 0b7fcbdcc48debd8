// What the integration rules need besides tickets and accounts: related open tickets, and a ledger of
// the facts each rule has completely applied.
import type { Ticket } from '../../domain';

export interface RelatedTicketsPort {
  /** Open tickets of these accounts in these queues, at most `limit`. */
  openTicketsOfAccounts(
    accountIds: readonly string[],
    queues: readonly string[],
    limit: number,
  ): Promise<Ticket[]>;
}

export interface IntegrationLedgerPort {
  /** Whether the fact (`<rule>:<business key>`) was completely applied before. */
  applied(cause: string): Promise<boolean>;
  markApplied(cause: string, summary: Readonly<Record<string, unknown>>, at: Date): Promise<void>;
}
