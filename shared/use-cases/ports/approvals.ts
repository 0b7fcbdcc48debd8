// Approvals as the use cases need them: stored beside their ticket, and handed to the workflow that
// waits on a decision through its task token.
import type { Approval } from '../../domain';

export interface ApprovalStorePort {
  /** One approval by id. */
  get(approvalId: string): Promise<Approval | undefined>;
  /** One approval of a ticket, read consistently. */
  ofTicket(ticketId: string, approvalId: string): Promise<Approval | undefined>;
  /** Every approval asked for on a ticket, oldest first. */
  forTicket(ticketId: string): Promise<Approval[]>;
  /** Pending approvals of one approver group, oldest first. */
  pendingFor(group: string, limit?: number): Promise<Approval[]>;
  /** Keeps the workflow's task token on the approval; undefined when there is no such approval. */
  saveTaskToken(ticketId: string, approvalId: string, token: string): Promise<Approval | undefined>;
}

/** Hands a decision to the workflow waiting on a task token (Step Functions SendTaskSuccess). */
export interface TaskCallback {
  /** Resolves false when the token is no longer waited on (timed out, execution ended): not an error. */
  succeed(token: string, output: unknown): Promise<boolean>;
}
