// A requester's data export (issue 22): the job and its audit, the request for a build, and the
// time-limited links its files are downloaded by.

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
