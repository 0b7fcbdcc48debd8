/**
 * A requester's data export (issue 22, GDPR art. 15 access and art. 20 portability): the job an admin asks
 * for, its audit trail, and the document built from the requester's tickets. Pure: the use case
 * (shared/use-cases/privacy-export.ts) reads the tickets and writes the files.
 */

import type { Approval } from './approvals';
import type { AuditEvent } from './audit';
import { type Actor, Actor as ActorSchema } from './audit';
import { Email, IsoDateTime, type Message, type Ticket, TicketId } from './ticket';
import * as z from './zod';

/**
 * Its events on the Frontdoor bus: source `frontdoor.privacy`, not `frontdoor`, so no ticket-event consumer
 * (which reads ticketId and version) ever sees them.
 */
export const PRIVACY_EVENT_SOURCE = 'frontdoor.privacy';
/** An export was asked for: the build-export queue takes it (detail `{ exportId }`). */
export const PRIVACY_EXPORT_REQUESTED = 'privacy.export_requested';

/** Where an export's files live in the mail bucket: `exports/<exportId>/…` (its own IAM prefix). */
export const EXPORTS_PREFIX = 'exports/';
export const exportPrefix = (exportId: string): string => `${EXPORTS_PREFIX}${exportId}/`;
/** The document's name among the export's files. */
export const EXPORT_DOCUMENT = 'export.json';

export const ExportState = z.enum(['queued', 'running', 'done', 'failed']);
export type ExportState = z.infer<typeof ExportState>;

export const ExportFile = z.object({
  /** Relative to the export: `export.json`, `attachments/FD-12/1-2-invoice.pdf`. */
  name: z.string().check(z.minLength(1), z.maxLength(1024)),
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  contentType: z.string().check(z.maxLength(255)),
  size: z.int().check(z.minimum(0)),
});
export type ExportFile = z.infer<typeof ExportFile>;

export const ExportJobSchema = z.object({
  exportId: TicketId,
  /** The requester whose data it is (lower case, as the requester index keys it). */
  requester: Email,
  state: ExportState,
  requestedBy: z.string().check(z.minLength(1), z.maxLength(254)),
  requestedAt: IsoDateTime,
  startedAt: z.optional(IsoDateTime),
  finishedAt: z.optional(IsoDateTime),
  progress: z.object({ done: z.int().check(z.minimum(0)), total: z.int().check(z.minimum(0)) }),
  counts: z.optional(
    z.object({
      tickets: z.int().check(z.minimum(0)),
      messages: z.int().check(z.minimum(0)),
      attachments: z.int().check(z.minimum(0)),
    }),
  ),
  files: z.optional(z.array(ExportFile)),
  /** Why a build failed, in words (no requester data). */
  problem: z.optional(z.string().check(z.maxLength(1000))),
});
export type ExportJob = z.infer<typeof ExportJobSchema>;

/**
 * Who asked for whose data, and when: the privacy audit trail, an append-only record beside the job
 * (the ticket audit is per ticket and numbered within it, and an export belongs to no one ticket). Its
 * action names follow the ticket audit's `<entity>.<past_tense_verb>`.
 */
export const PrivacyAuditSchema = z.object({
  exportId: TicketId,
  at: IsoDateTime,
  actor: ActorSchema,
  action: z.enum(['privacy.export_requested', 'privacy.export_built', 'privacy.export_failed']),
  requester: Email,
  detail: z.optional(z.record(z.string(), z.unknown())),
});
export type PrivacyAudit = z.infer<typeof PrivacyAuditSchema>;

/** A new job, queued, and the audit entry of the request. */
export function newExportJob(input: { exportId: string; requester: string; requestedBy: Actor; at: Date }): {
  job: ExportJob;
  audit: PrivacyAudit;
} {
  const requestedAt = input.at.toISOString();
  const requester = input.requester.toLowerCase();
  return {
    job: {
      exportId: input.exportId,
      requester,
      state: 'queued',
      requestedBy: input.requestedBy.id,
      requestedAt,
      progress: { done: 0, total: 0 },
    },
    audit: {
      exportId: input.exportId,
      at: requestedAt,
      actor: input.requestedBy,
      action: 'privacy.export_requested',
      requester,
    },
  };
}

/** Only the requester's own tickets: the index is keyed by address, and this checks every ticket again. */
export function isRequesterOf(ticket: Pick<Ticket, 'requester'>, requester: string): boolean {
  return ticket.requester.email.toLowerCase() === requester.toLowerCase();
}

/** A file name that is safe as one object key segment and in a zip or a browser's download. */
function safeSegment(name: string): string {
  // The last path segment only (a sender's `../../x` names a file, not a place), then a safe alphabet.
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return cleaned.slice(0, 120) || 'file';
}

/** Where one attachment's copy goes in the export: per ticket, numbered by message and attachment. */
export function exportAttachmentName(
  reference: string,
  messageIndex: number,
  attachmentIndex: number,
  filename: string,
): string {
  return `attachments/${safeSegment(reference)}/${messageIndex + 1}-${attachmentIndex + 1}-${safeSegment(filename)}`;
}

export interface ExportedTicket {
  readonly ticket: Ticket;
  readonly messages: readonly Message[];
  readonly audit: readonly AuditEvent[];
  readonly approvals: readonly Approval[];
}

/** One attachment in the document: where it came from and the file that holds its bytes. */
export interface ExportedAttachment {
  readonly ticketId: string;
  readonly reference: string;
  readonly messageId: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** The export's file (`attachments/…`). */
  readonly file: string;
}

/**
 * The export's JSON document: the requester, every ticket of theirs with its messages (bodies included,
 * internal notes too: they are data the company holds about the requester, which art. 15 covers), audit
 * trail and approvals, and the list of attachments copied beside it.
 */
export function exportDocument(input: {
  exportId: string;
  requester: string;
  generatedAt: Date;
  tickets: readonly ExportedTicket[];
  attachments: readonly ExportedAttachment[];
}) {
  return {
    format: 'frontdoor.requester-export/1',
    exportId: input.exportId,
    generatedAt: input.generatedAt.toISOString(),
    requester: { email: input.requester },
    tickets: input.tickets.map((t) => ({
      ticket: t.ticket,
      messages: t.messages,
      audit: t.audit,
      approvals: t.approvals,
    })),
    attachments: input.attachments,
  };
}
