import { describe, expect, it } from 'vitest';
import { type Message, NotFoundError, newId, type Ticket } from '../../shared/domain';
import type { ExportFile, ExportJob, PrivacyAudit } from '../../shared/domain/privacy-export';
import type {
  DownloadLinksPort,
  ExportBuildRequestsPort,
  ObjectStore,
  PrivacyExportStorePort,
  TicketHistory,
  TicketPage,
} from '../../shared/use-cases/ports';
import {
  buildExport,
  EXPORT_LINK_SECONDS,
  exportStatus,
  failExport,
  requestExport,
} from '../../shared/use-cases/privacy-export';
import { aMessage, aTicket, T0 } from '../domain/builders';

// A requester's data export (issue 22) with its ports in memory: the request is audited and queued, the
// build takes every ticket of the requester (page after page) and nothing of anyone else's, copies the
// attachments byte for byte, and a redelivery neither duplicates nor corrupts.

const clock = { now: () => T0 };
const ADMIN = { kind: 'agent' as const, id: 'admin@example.com' };
const DANA = 'dana@customer.example';
const OTHER = 'other@customer.example';

/** Jobs and audit entries, with the store's forward-only moves. */
class MemoryExports implements PrivacyExportStorePort {
  readonly jobs = new Map<string, ExportJob>();
  readonly audit: PrivacyAudit[] = [];
  readonly progressSeen: number[] = [];
  async create(job: ExportJob, audit: PrivacyAudit) {
    if (this.jobs.has(job.exportId)) throw new Error('exists');
    this.jobs.set(job.exportId, structuredClone(job));
    this.audit.push(audit);
  }
  async get(id: string) {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : undefined;
  }
  async start(id: string, total: number, at: Date) {
    const job = this.jobs.get(id);
    if (!job || (job.state !== 'queued' && job.state !== 'running')) return false;
    Object.assign(job, { state: 'running', progress: { done: 0, total }, startedAt: at.toISOString() });
    return true;
  }
  async progress(id: string, done: number) {
    const job = this.jobs.get(id);
    if (job?.state !== 'running') return;
    job.progress.done = done;
    this.progressSeen.push(done);
  }
  async finish(
    id: string,
    result: { files: readonly ExportFile[]; counts: NonNullable<ExportJob['counts']>; at: Date },
    audit: PrivacyAudit,
  ) {
    const job = this.jobs.get(id);
    if (job?.state !== 'running') return;
    Object.assign(job, {
      state: 'done',
      files: [...result.files],
      counts: result.counts,
      finishedAt: result.at.toISOString(),
      progress: { ...job.progress, done: job.progress.total },
    });
    this.audit.push(audit);
  }
  async fail(id: string, problem: string, audit: PrivacyAudit) {
    const job = this.jobs.get(id);
    if (!job || job.state === 'done' || job.state === 'failed') return;
    Object.assign(job, { state: 'failed', problem });
    this.audit.push(audit);
  }
}

class MemoryObjects implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  puts = 0;
  async get(key: string) {
    const found = this.objects.get(key);
    if (!found) throw new Error(`no object ${key}`);
    return Buffer.from(found.body);
  }
  async put(key: string, body: Buffer, contentType: string) {
    this.puts++;
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }
}

/** Tickets by requester (the index: lower-cased address), paged by `limit` with a numeric cursor. */
class MemoryTickets {
  readonly histories = new Map<string, TicketHistory>();
  pagesRead = 0;
  add(ticket: Ticket, messages: Message[]) {
    this.histories.set(ticket.id, { ticket, messages, audit: [], approvals: [] });
  }
  async listByRequester(
    email: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<TicketPage> {
    this.pagesRead++;
    const all = [...this.histories.values()]
      .map((h) => h.ticket)
      .filter((t) => t.requester.email.toLowerCase() === email.toLowerCase());
    const from = Number(page.cursor ?? 0);
    const next = from + page.limit;
    return { tickets: all.slice(from, next), ...(next < all.length ? { cursor: String(next) } : {}) };
  }
  async history(id: string) {
    return this.histories.get(id);
  }
}

function world() {
  const exports = new MemoryExports();
  const objects = new MemoryObjects();
  const tickets = new MemoryTickets();
  const requested: string[] = [];
  const builds: ExportBuildRequestsPort = { request: async (id) => void requested.push(id) };
  const links: DownloadLinksPort = { link: async (key, s) => `https://signed.example/${key}?expires=${s}` };
  return { exports, objects, tickets, requested, builds, links, clock };
}

/** Dana's tickets: `count` of them, the first with a mail carrying two attachments and an internal note. */
function danaTickets(w: ReturnType<typeof world>, count: number) {
  for (let i = 1; i <= count; i++) {
    const ticket = aTicket({ id: newId(T0), reference: `FD-${i}`, requester: { email: DANA } });
    const attachments =
      i === 1
        ? [
            {
              filename: 'invoice.pdf',
              contentType: 'application/pdf',
              size: 4,
              key: `attachments/r1/1-invoice.pdf`,
            },
            {
              filename: '../../etc/passwd',
              contentType: 'text/plain',
              size: 3,
              key: `attachments/r1/2-passwd`,
            },
          ]
        : [];
    for (const a of attachments)
      w.objects.objects.set(a.key, { body: Buffer.from(a.key.slice(-4)), contentType: a.contentType });
    w.tickets.add(ticket, [
      aMessage({ id: newId(T0), ticketId: ticket.id, body: `Dana's message ${i}`, attachments }),
      aMessage({
        id: newId(T0),
        ticketId: ticket.id,
        direction: 'outbound',
        visibility: 'internal',
        author: { kind: 'agent', email: 'agent@example.com' },
        body: `Internal note on ${i}`,
      }),
    ]);
  }
}

describe('a requester data export', () => {
  it('queues a job for the requester, audits who asked for whom, and asks for the build', async () => {
    const w = world();
    const out = await requestExport({ email: DANA, by: ADMIN }, w);
    expect(out.state).toBe('queued');
    expect(w.requested).toEqual([out.exportId]);
    expect(w.exports.jobs.get(out.exportId)).toMatchObject({
      requester: DANA,
      state: 'queued',
      requestedBy: 'admin@example.com',
      requestedAt: T0.toISOString(),
      progress: { done: 0, total: 0 },
    });
    expect(w.exports.audit).toEqual([
      {
        exportId: out.exportId,
        at: T0.toISOString(),
        actor: ADMIN,
        action: 'privacy.export_requested',
        requester: DANA,
      },
    ]);
  });

  it('marks the job failed, audited, when the build cannot be asked for, and says so', async () => {
    const w = world();
    const builds = { request: async () => Promise.reject(new Error('bus down')) };
    await expect(requestExport({ email: DANA, by: ADMIN }, { ...w, builds })).rejects.toThrow('bus down');
    const [job] = [...w.exports.jobs.values()];
    expect(job?.state).toBe('failed');
    expect(w.exports.audit.map((a) => a.action)).toEqual([
      'privacy.export_requested',
      'privacy.export_failed',
    ]);
  });

  it('exports every ticket of the requester over several index pages, with messages, internal notes and attachments, and nothing of anyone else', async () => {
    const w = world();
    danaTickets(w, 5);
    const other = aTicket({ id: newId(T0), reference: 'FD-99', requester: { email: OTHER } });
    w.objects.objects.set('attachments/o/secret.txt', {
      body: Buffer.from('other'),
      contentType: 'text/plain',
    });
    w.tickets.add(other, [
      aMessage({
        ticketId: other.id,
        body: 'Not Dana’s',
        attachments: [
          { filename: 'secret.txt', contentType: 'text/plain', size: 5, key: 'attachments/o/secret.txt' },
        ],
      }),
    ]);
    const { exportId } = await requestExport({ email: DANA.toUpperCase(), by: ADMIN }, w);

    const result = await buildExport(exportId, w, 2);
    expect(result).toEqual({ kind: 'built', counts: { tickets: 5, messages: 10, attachments: 2 } });
    expect(w.tickets.pagesRead).toBe(3);
    expect(w.exports.progressSeen).toEqual([1, 2, 3, 4, 5]);

    const doc = JSON.parse(String(w.objects.objects.get(`exports/${exportId}/export.json`)?.body)) as {
      requester: { email: string };
      tickets: Array<{ ticket: Ticket; messages: Message[] }>;
      attachments: Array<{ filename: string; file: string; size: number }>;
    };
    expect(doc.requester.email).toBe(DANA);
    expect(doc.tickets.map((t) => t.ticket.reference).sort()).toEqual([
      'FD-1',
      'FD-2',
      'FD-3',
      'FD-4',
      'FD-5',
    ]);
    expect(doc.tickets.every((t) => t.ticket.requester.email === DANA)).toBe(true);
    expect(doc.tickets.flatMap((t) => t.messages.map((m) => m.body))).toContain('Internal note on 3');
    expect(JSON.stringify(doc)).not.toContain('Not Dana’s');
    expect(doc.attachments.map((a) => a.file)).toEqual([
      'attachments/FD-1/1-1-invoice.pdf',
      'attachments/FD-1/1-2-passwd',
    ]);
    for (const a of doc.attachments)
      expect(w.objects.objects.get(`exports/${exportId}/${a.file}`)?.body.length).toBe(a.size);
    expect([...w.objects.objects.keys()].filter((k) => k.includes('secret'))).toEqual([
      'attachments/o/secret.txt',
    ]);

    const job = w.exports.jobs.get(exportId);
    expect(job).toMatchObject({ state: 'done', progress: { done: 5, total: 5 } });
    expect(job?.files?.map((f) => f.name)).toEqual(['export.json', ...doc.attachments.map((a) => a.file)]);
    expect(w.exports.audit.map((a) => a.action)).toEqual([
      'privacy.export_requested',
      'privacy.export_built',
    ]);
  });

  it('leaves a finished export as it is on a redelivery, and rebuilds the same files after a crash mid-way', async () => {
    const w = world();
    danaTickets(w, 3);
    const { exportId } = await requestExport({ email: DANA, by: ADMIN }, w);

    // The first delivery dies after the first ticket's attachments; the second builds it all.
    let puts = 0;
    const crashing = {
      ...w,
      objects: {
        get: (k: string) => w.objects.get(k),
        put: async (k: string, b: Buffer, t: string) => {
          if (++puts > 2) throw new Error('lambda timed out');
          return w.objects.put(k, b, t);
        },
      },
    };
    await expect(buildExport(exportId, crashing)).rejects.toThrow('timed out');
    expect(w.exports.jobs.get(exportId)?.state).toBe('running');
    const keysAfterCrash = [...w.objects.objects.keys()].filter((k) => k.startsWith('exports/'));

    const built = await buildExport(exportId, w);
    expect(built.kind).toBe('built');
    const job = w.exports.jobs.get(exportId);
    const snapshot = { files: job?.files, objects: new Map(w.objects.objects), audit: [...w.exports.audit] };
    expect(keysAfterCrash.every((k) => snapshot.objects.has(k))).toBe(true);
    expect(new Set(job?.files?.map((f) => f.key)).size).toBe(job?.files?.length);

    expect(await buildExport(exportId, w)).toEqual({ kind: 'skipped', reason: 'already done' });
    expect(w.exports.jobs.get(exportId)?.files).toEqual(snapshot.files);
    expect(w.objects.objects).toEqual(snapshot.objects);
    expect(w.exports.audit).toEqual(snapshot.audit);
    expect(w.exports.audit.filter((a) => a.action === 'privacy.export_built')).toHaveLength(1);

    await failExport(exportId, 'late failure of an old delivery', w);
    expect(w.exports.jobs.get(exportId)?.state).toBe('done');
  });

  it('answers progress while it runs, and 15-minute links to every file once done', async () => {
    const w = world();
    danaTickets(w, 1);
    const { exportId } = await requestExport({ email: DANA, by: ADMIN }, w);
    const queued = await exportStatus(exportId, w);
    expect(queued).toMatchObject({ exportId, state: 'queued', progress: { done: 0, total: 0 } });
    expect(queued.files).toBeUndefined();

    await buildExport(exportId, w);
    const done = await exportStatus(exportId, w);
    expect(done).toMatchObject({
      state: 'done',
      progress: { done: 1, total: 1 },
      requestedBy: 'admin@example.com',
    });
    expect(done.files?.map((f) => f.name)).toEqual([
      'export.json',
      'attachments/FD-1/1-1-invoice.pdf',
      'attachments/FD-1/1-2-passwd',
    ]);
    for (const f of done.files ?? []) {
      expect(f.url).toMatch(
        new RegExp(`^https://signed\\.example/exports/${exportId}/.+\\?expires=${EXPORT_LINK_SECONDS}$`),
      );
      expect(f.expiresAt).toBe(new Date(T0.getTime() + 15 * 60_000).toISOString());
    }
  });

  it('answers not found for an unknown or malformed export id', async () => {
    const w = world();
    await expect(exportStatus(newId(T0), w)).rejects.toBeInstanceOf(NotFoundError);
    await expect(exportStatus('../../x', w)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('skips a message for an export that does not exist', async () => {
    expect(await buildExport(newId(T0), world())).toEqual({ kind: 'skipped', reason: 'no such export' });
  });
});
