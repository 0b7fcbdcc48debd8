// The open incidents, kept where intake can read them in one Query: which incidents may take a new ticket.
import type { IncidentRule } from '../../domain';

/** One open incident as intake needs it. */
export interface OpenIncident {
  readonly ticketId: string;
  readonly reference: string;
  readonly title: string;
  readonly rule: IncidentRule;
}

export interface IncidentRegistryPort {
  /** Every incident declared and not yet resolved (the ticket is the truth: check its state). */
  open(): Promise<OpenIncident[]>;
  /** Idempotent: the entry is replaced. */
  put(incident: OpenIncident): Promise<void>;
  /** Idempotent: no entry is no error. */
  remove(ticketId: string): Promise<void>;
}
