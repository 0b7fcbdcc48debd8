// A requester's data export (issue 22): the job and its audit, the request for a build, and the
// time-limited links its files are downloaded by.

import type { AuditEvent, Ticket } from '../../domain';
import type { ErasureAudit, ErasureJob, Redaction } from '../../domain/privacy-erasure';
import type { ExportFile, ExportJob, PrivacyAudit } from '../../domain/privacy-export';

export interface PrivacyExportStorePort {
  /** The job and the audit entry of its request, together (a job is never without its audit). */
  create(job: ExportJob, audit: PrivacyAudit): Promise<void>;
  /** undefined when there is no such export (a stored job that does not parse is an error). */
  get(exportId: string): Promise<ExportJob | undefined>;
  /** queued (or running, on a redelivery) → running, with the number of tickets to export; false when done. */
  start(exportId: string, total: number, at: Date): Promise<boolean>;
  /** Tickets done so far, while running. */
  progress(exportId: string, done: number): Promise<void>;
  /** running → done with its files and counts, and the audit entry of it, together. */
  finish(
    exportId: string,
    result: { files: readonly ExportFile[]; counts: NonNullable<ExportJob['counts']>; at: Date },
    audit: PrivacyAudit,
  ): Promise<void>;
  /** → failed, with why (no requester data in it), and the audit entry of it. */
  fail(exportId: string, problem: string, audit: PrivacyAudit): Promise<void>;
}

/** Asks for an export's build in the background (the privacy-exports queue). */
export interface ExportBuildRequestsPort {
  request(exportId: string): Promise<void>;
}

/** A time-limited download link for one object of the export (a presigned S3 GET in AWS). */
export interface DownloadLinksPort {
  link(key: string, expiresInSeconds: number): Promise<string>;
}

/** A requester's erasure (issue 22): its job and audit, moved only forward, each move conditional. */
export interface ErasureStorePort {
  /** The job and the audit entry of its request, together. */
  create(job: ErasureJob, audit: ErasureAudit): Promise<void>;
  /** undefined when there is no such erasure. */
  get(erasureId: string): Promise<ErasureJob | undefined>;
  /** Its audit trail, oldest first. */
  auditOf(erasureId: string): Promise<ErasureAudit[]>;
  /** awaiting_approval → approved | rejected, with who decided; false when it was decided already. */
  decide(
    erasureId: string,
    decision: {
      readonly outcome: 'approved' | 'rejected';
      readonly by: readonly string[];
      readonly approvalId: string;
      readonly at: Date;
    },
    audit: ErasureAudit,
  ): Promise<boolean>;
  /** approved (or running, on a redelivery) → running; false when it is not (done, rejected, failed). */
  start(erasureId: string, at: Date): Promise<boolean>;
  progress(erasureId: string, progress: ErasureJob['progress']): Promise<void>;
  /**
   * running → done with its counts; the job keeps only the pseudonym (the address and the reason
   * as redacted replace theirs), and the audit entry of it, together.
   */
  finish(
    erasureId: string,
    result: { counts: NonNullable<ErasureJob['counts']>; reason: string; at: Date },
    audit: ErasureAudit,
  ): Promise<void>;
  fail(erasureId: string, problem: string, audit: ErasureAudit): Promise<void>;
}

/** What a redaction of one ticket did. */
export interface TicketRedaction {
  readonly messages: number;
  /** Objects its records pointed at (attachments, raw mail): the caller deletes them. */
  readonly objectKeys: readonly string[];
}

/** What a sweep of every other record did. */
export interface SweepResult {
  readonly scanned: number;
  readonly rewritten: number;
  readonly deleted: number;
  readonly objectKeys: readonly string[];
}

/** Where personal data lives in the table, found and rewritten (the single table, ticket by ticket and whole). */
export interface PersonalDataPort {
  /**
   * One ticket's records rewritten by the redaction: the ticket (a new version, its requester the
   * pseudonym), its messages (no bodies, no attachments), its audit, approvals and every other item of
   * it; `audit` is appended. undefined when the ticket does not exist. Rerunning it changes nothing more.
   */
  redactTicket(
    ticketId: string,
    redaction: Redaction,
    audit: (ticket: Ticket) => AuditEvent,
  ): Promise<TicketRedaction | undefined>;
  /**
   * Every record of the table that names the requester or one of their tickets, outside those tickets
   * and outside `skip` partitions: rewritten without it, or deleted where it exists only to point at
   * their tickets (mail threading). Reports its progress as it reads.
   */
  sweep(
    redaction: Redaction,
    options: { readonly skip: readonly string[]; readonly onProgress: (scanned: number) => Promise<void> },
  ): Promise<SweepResult>;
}

/** Objects deleted for good (every version, in a versioned bucket); keys that do not exist are fine. */
export interface ObjectEraserPort {
  erase(keys: readonly string[]): Promise<number>;
}

/**
 * Copies of mail already sent. In AWS there are none (SES keeps no copy); the local runtime's outbox is
 * one, and forgets the requester there too.
 */
export interface SentMailCopiesPort {
  forget(redaction: Redaction): Promise<void>;
}
