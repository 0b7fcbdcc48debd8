import { type Actor, isTicketId, NotFoundError, newId, type Ticket } from '../domain';
import {
  EXPORT_DOCUMENT,
  type ExportedAttachment,
  type ExportedTicket,
  type ExportFile,
  type ExportJob,
  exportAttachmentName,
  exportDocument,
  exportPrefix,
  isRequesterOf,
  newExportJob,
  type PrivacyAudit,
} from '../domain/privacy-export';
import type {
  Clock,
  DownloadLinksPort,
  ExportBuildRequestsPort,
  ObjectStore,
  PrivacyExportStorePort,
  TicketRepositoryPort,
} from './ports';

/** How long a download link works: long enough to start a download, short enough not to be passed around. */
export const EXPORT_LINK_SECONDS = 15 * 60;
/** Tickets per page of the requester index. */
export const EXPORT_PAGE_SIZE = 50;
/** Deliveries of one build before it is given up (the queue's maxReceiveCount; the last one marks it failed). */
export const EXPORT_BUILD_ATTEMPTS = 3;

export interface RequestExportPorts {
  readonly exports: PrivacyExportStorePort;
  readonly builds: ExportBuildRequestsPort;
  readonly clock: Clock;
}

/**
 * An admin asks for everything about one requester.
 * Primary course: a new job (queued) and the audit entry of the request are written together; the build
 * is asked for on the bus (→ the privacy-exports queue → build-export). The answer names the job to poll.
 * When the bus refuses, the job is marked failed (with an audit entry) and the error goes up: a 5xx, and
 * the admin asks again rather than waiting for a build nobody asked for.
 */
export async function requestExport(
  input: { readonly email: string; readonly by: Actor },
  ports: RequestExportPorts,
): Promise<{ exportId: string; state: 'queued' }> {
  const now = ports.clock.now();
  const exportId = newId(now);
  const { job, audit } = newExportJob({ exportId, requester: input.email, requestedBy: input.by, at: now });
  await ports.exports.create(job, audit);
  try {
    await ports.builds.request(exportId);
  } catch (e: unknown) {
    await ports.exports.fail(
      exportId,
      'the build could not be asked for',
      systemAudit(job, 'privacy.export_failed', ports.clock.now()),
    );
    throw e;
  }
  return { exportId, state: 'queued' };
}

export interface ExportView {
  readonly exportId: string;
  readonly requester: string;
  readonly state: ExportJob['state'];
  readonly progress: ExportJob['progress'];
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly finishedAt?: string;
  readonly counts?: ExportJob['counts'];
  readonly problem?: string;
  readonly files?: ReadonlyArray<{ name: string; url: string; expiresAt: string; size: number }>;
}

/**
 * An export's state and progress; once done, a time-limited link per file.
 * Primary course: read the job; if done, sign a link for each of its files (EXPORT_LINK_SECONDS).
 */
export async function exportStatus(
  exportId: string,
  ports: {
    readonly exports: PrivacyExportStorePort;
    readonly links: DownloadLinksPort;
    readonly clock: Clock;
  },
): Promise<ExportView> {
  const job = isTicketId(exportId) ? await ports.exports.get(exportId) : undefined;
  if (!job) throw new NotFoundError('EXPORT.NOT_FOUND', `export ${exportId} not found`);
  const { files, startedAt: _started, ...rest } = job;
  if (job.state !== 'done' || !files) return rest;
  const expiresAt = new Date(ports.clock.now().getTime() + EXPORT_LINK_SECONDS * 1000).toISOString();
  return {
    ...rest,
    files: await Promise.all(
      files.map(async (f) => ({
        name: f.name,
        url: await ports.links.link(f.key, EXPORT_LINK_SECONDS),
        expiresAt,
        size: f.size,
      })),
    ),
  };
}

export interface BuildExportPorts {
  readonly exports: PrivacyExportStorePort;
  readonly tickets: Pick<TicketRepositoryPort, 'listByRequester' | 'history'>;
  readonly objects: ObjectStore;
  readonly clock: Clock;
}

export type BuildExportResult =
  | { readonly kind: 'built'; readonly counts: NonNullable<ExportJob['counts']> }
  | { readonly kind: 'skipped'; readonly reason: 'no such export' | 'already done' | 'failed' };

/**
 * Builds one export, idempotently: every file has a key fixed by the export, the ticket and the message,
 * so a redelivery (or a second, concurrent delivery) writes the same objects again and finishes the same
 * job; a job already done is left alone.
 * Primary course: list the requester's tickets through the requester index (page after page); mark the
 * job running with their number; for each ticket read its history, copy each attachment of its messages
 * under `exports/<id>/attachments/…` and count it done; write `export.json`; mark the job done with its
 * files and counts, and audit it.
 * Only tickets whose requester is that address are read (checked again on each ticket and history).
 */
export async function buildExport(
  exportId: string,
  ports: BuildExportPorts,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<BuildExportResult> {
  const job = await ports.exports.get(exportId);
  if (!job) return { kind: 'skipped', reason: 'no such export' };
  if (job.state === 'done') return { kind: 'skipped', reason: 'already done' };
  if (job.state === 'failed') return { kind: 'skipped', reason: 'failed' };

  const ticketIds = await requesterTicketIds(job.requester, ports.tickets, pageSize);
  if (!(await ports.exports.start(exportId, ticketIds.length, ports.clock.now())))
    return { kind: 'skipped', reason: 'already done' };

  const prefix = exportPrefix(exportId);
  const tickets: ExportedTicket[] = [];
  const attachments: ExportedAttachment[] = [];
  const files: ExportFile[] = [];
  let messages = 0;
  for (const [done, ticketId] of ticketIds.entries()) {
    const history = await ports.tickets.history(ticketId);
    // Gone since it was listed (merged away, deleted), or no longer theirs: not in the export.
    if (history && isRequesterOf(history.ticket, job.requester)) {
      // Internal notes are included: they are data the company holds about the requester (art. 15).
      tickets.push({
        ticket: history.ticket,
        messages: history.messages,
        audit: history.audit,
        approvals: history.approvals ?? [],
      });
      messages += history.messages.length;
      for (const [m, message] of history.messages.entries()) {
        for (const [a, attachment] of message.attachments.entries()) {
          const name = exportAttachmentName(history.ticket.reference, m, a, attachment.filename);
          const bytes = await ports.objects.get(attachment.key);
          await ports.objects.put(`${prefix}${name}`, bytes, attachment.contentType);
          files.push({
            name,
            key: `${prefix}${name}`,
            contentType: attachment.contentType,
            size: bytes.length,
          });
          attachments.push({
            ticketId: history.ticket.id,
            reference: history.ticket.reference,
            messageId: message.id,
            filename: attachment.filename,
            contentType: attachment.contentType,
            size: bytes.length,
            file: name,
          });
        }
      }
    }
    await ports.exports.progress(exportId, done + 1);
  }

  const now = ports.clock.now();
  const document = Buffer.from(
    JSON.stringify(
      exportDocument({ exportId, requester: job.requester, generatedAt: now, tickets, attachments }),
      null,
      2,
    ),
  );
  const documentKey = `${prefix}${EXPORT_DOCUMENT}`;
  await ports.objects.put(documentKey, document, 'application/json');
  const counts = { tickets: tickets.length, messages, attachments: attachments.length };
  await ports.exports.finish(
    exportId,
    {
      files: [
        { name: EXPORT_DOCUMENT, key: documentKey, contentType: 'application/json', size: document.length },
        ...files,
      ],
      counts,
      at: now,
    },
    { ...systemAudit(job, 'privacy.export_built', now), detail: counts },
  );
  return { kind: 'built', counts };
}

/** Marks a build failed for good (its last delivery failed); a job already done stays done. */
export async function failExport(
  exportId: string,
  problem: string,
  ports: { readonly exports: PrivacyExportStorePort; readonly clock: Clock },
): Promise<void> {
  const job = await ports.exports.get(exportId);
  if (!job || job.state === 'done' || job.state === 'failed') return;
  await ports.exports.fail(exportId, problem, systemAudit(job, 'privacy.export_failed', ports.clock.now()));
}

/** Every ticket id of the requester, through the requester index, page after page (each once, theirs only). */
async function requesterTicketIds(
  requester: string,
  tickets: Pick<TicketRepositoryPort, 'listByRequester'>,
  pageSize: number,
): Promise<string[]> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await tickets.listByRequester(requester, { limit: pageSize, cursor });
    for (const t of page.tickets as readonly Ticket[]) if (isRequesterOf(t, requester)) ids.add(t.id);
    cursor = page.cursor;
  } while (cursor);
  return [...ids];
}

function systemAudit(job: ExportJob, action: PrivacyAudit['action'], at: Date): PrivacyAudit {
  return {
    exportId: job.exportId,
    at: at.toISOString(),
    actor: { kind: 'system', id: 'build-export' },
    action,
    requester: job.requester,
  };
}
