import type { TicketRepositoryPort } from './tickets';

/** A period of ticket creation, `[from, to)`. */
export interface ReplayPeriod {
  readonly from: Date;
  readonly to: Date;
}

/** The tickets of a period, found with Query only (the queue view, queue by queue and state by state). */
export interface TicketPeriodPort {
  ticketIdsCreated(queue: string, state: string, period: ReplayPeriod): Promise<string[]>;
}

/** What a what-if replay reads: the period's tickets, and each one's history (one Query per ticket). */
export interface WhatIfPorts {
  readonly tickets: TicketPeriodPort & Pick<TicketRepositoryPort, 'history'>;
}
