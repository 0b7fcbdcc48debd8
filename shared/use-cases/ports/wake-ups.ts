// The ticket clock's wake-ups: the one pending wake-up each ticket has, recorded and scheduled.

/** The wake-up a look at a ticket decided, and the ticket version it decided it from. */
export interface WakeUpRecord {
  readonly wakeAt: string;
  readonly version: number;
  readonly updatedAt: string;
}

export interface WakeUpStorePort {
  get(ticketId: string): Promise<WakeUpRecord | undefined>;
  /** Records the wake-up unless one decided from a newer version of the ticket is recorded already. */
  claim(ticketId: string, record: WakeUpRecord): Promise<boolean>;
}

export interface WakeUpScheduler {
  /** Makes `at` the ticket's one pending wake-up (replacing the one before; nothing is cancelled). */
  schedule(ticketId: string, at: Date): Promise<void>;
}
