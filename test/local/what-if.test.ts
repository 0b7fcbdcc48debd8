import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { localSettings } from '../../infra/local/settings';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { formatReference } from '../../shared/domain';
import type { TicketHistory } from '../../shared/use-cases/ports';
import { drain } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// Issue 20 against `npm start` after `npm run seed:demo`: the workflow in force replayed against itself
// changes nothing; a candidate that lowers the enterprise invoice rule's priority, or shortens the
// enterprise high-priority resolution target, changes exactly the tickets a direct computation over the
// stored tickets and their audit says (computed here without the replay code); nothing is written.

const TICKETS = 300;
const run = promisify(execFile);

interface Report {
  summary: {
    tickets: number;
    changed: number;
    slaAttainment: { before: number | null; after: number | null };
    breachesAdded: number;
  };
  changed: Array<{ ticketId: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
}

describe('npm run what-if (local runtime, seeded history)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let histories: TicketHistory[];
  let repo: TicketRepository;
  let now: Date;

  /** Runs `npm run what-if` as a user would in a second shell; its report read back. */
  const whatIf = async (config: string) => {
    const out = join(dataDir, `report-${Math.random().toString(36).slice(2)}`);
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'tools/what-if.ts', '--config', config, '--from', '2000-01-01', '--out', out],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(runtime.port),
          DYNAMODB_PORT: String(runtime.dynamoPort),
          AWS_REGION: '',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const report = JSON.parse(readFileSync(join(out, 'what-if.json'), 'utf8')) as Report;
    const html = readFileSync(join(out, 'what-if.html'), 'utf8');
    return { stdout, stderr, report, html };
  };
  /** A candidate module: the shipped workflow with one change, as a team would write it. */
  const candidate = (name: string, change: string) => {
    const file = join(dataDir, `${name}.ts`);
    writeFileSync(
      file,
      [
        `import { defaultWorkflow } from ${JSON.stringify(join(ROOT, 'shared/config/default-workflow.ts'))};`,
        'const workflow = structuredClone(defaultWorkflow) as any;',
        change,
        'export default workflow;',
      ].join('\n'),
    );
    return file;
  };
  const triaged = (h: TicketHistory) =>
    (h.audit.find((a) => a.action === 'ticket.triaged')?.after ?? {}) as {
      matchedRules?: string[];
      slaPolicy?: string;
    };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-what-if-'));
    runtime = await startRuntimeProcess({ dataDir });
    await run(
      process.execPath,
      ['--import', 'tsx', 'tools/seed-demo.ts', '--tickets', String(TICKETS), '--days', '60'],
      {
        cwd: ROOT,
        env: { ...process.env, PORT: String(runtime.port), DYNAMODB_PORT: String(runtime.dynamoPort) },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    await drain(runtime.url);
    // The stored tickets, read by their references (FD-1 … FD-n) rather than as the replay lists them.
    repo = new TicketRepository(
      DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: `http://127.0.0.1:${runtime.dynamoPort}`,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
        }),
      ),
      localSettings({}).tableName,
    );
    histories = [];
    for (let n = 1; n <= TICKETS; n++) {
      const id = await repo.ticketIdForReference(formatReference(n));
      const history = id ? await repo.history(id) : undefined;
      if (history) histories.push(history);
    }
    now = new Date(((await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string }).now);
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('replays the workflow in force against itself with no change, and writes nothing', async () => {
    expect(histories).toHaveLength(TICKETS);
    const versions = histories.map((h) => h.ticket.version);
    const { stdout, stderr, report, html } = await whatIf('shared/config/default-workflow.ts');
    expect(stdout).toContain(`tickets replayed: ${TICKETS}; changed: 0`);
    expect(stderr).toMatch(/replaying tickets: \d+\/\d+/);
    expect(report.summary).toMatchObject({ tickets: TICKETS, changed: 0, breachesAdded: 0 });
    expect(report.summary.slaAttainment.before).toBe(report.summary.slaAttainment.after);
    expect(report.changed).toEqual([]);
    expect(html).toContain('<h1>What-if replay</h1>');
    expect(html).not.toMatch(/<script|https?:\/\//);
    // Nothing written: every ticket is at the version it had.
    const after = await Promise.all(histories.map((h) => repo.get(h.ticket.id)));
    expect(after.map((t) => t?.version)).toEqual(versions);
  });

  it('a candidate that lowers the enterprise invoice rule’s priority changes exactly the tickets it priced', async () => {
    // Direct: the rule matched at intake and no later rule set the priority again.
    const laterPriorityRules = ['high-risk-access', 'security-report', 'outage'];
    const expected = histories
      .filter((h) => {
        const rules = triaged(h).matchedRules ?? [];
        return rules.includes('enterprise-invoice') && !rules.some((r) => laterPriorityRules.includes(r));
      })
      .map((h) => h.ticket.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const file = candidate(
      'lower-invoice',
      "workflow.triageRules.find((r: any) => r.id === 'enterprise-invoice').then.priority = 'normal';",
    );
    const { stdout, report } = await whatIf(file);
    expect(report.changed.map((c) => c.ticketId).sort()).toEqual(expected);
    for (const c of report.changed)
      expect(c.changes).toEqual(
        expect.arrayContaining([{ field: 'priority', before: 'high', after: 'normal' }]),
      );
    expect(stdout).toMatch(/SLA attainment \(resolution\): [\d.]+ % → [\d.]+ %/);
  });

  it('a candidate that shortens the enterprise high resolution target breaches exactly the tickets that took longer', async () => {
    const MINUTE = 60_000;
    /** Resolution time on the 24×7 calendar, waiting on the customer paused, until resolved or now. */
    const verdict = (h: TicketHistory, targetMinutes: number) => {
      let elapsed = 0;
      let state = 'new';
      let since = Date.parse(h.ticket.createdAt);
      let resolved = false;
      for (const a of h.audit) {
        if (a.action !== 'ticket.state_changed') continue;
        const at = Date.parse(a.at);
        if (state !== 'waiting_on_customer') elapsed += at - since;
        state = String((a.after as { state?: string } | null)?.state);
        since = at;
        if (state === 'resolved' || state === 'closed') {
          resolved = true;
          break;
        }
      }
      if (!resolved && state !== 'waiting_on_customer') elapsed += now.getTime() - since;
      if (elapsed > targetMinutes * MINUTE) return 'breached';
      return resolved ? 'met' : 'pending';
    };
    // Clean cases only: priority never changed by hand, never reopened, first resolution not by automation.
    const clean = histories.filter(
      (h) =>
        triaged(h).slaPolicy === 'enterprise/high' &&
        !h.audit.some(
          (a) =>
            a.action === 'ticket.updated' &&
            (a.after as { priority?: string } | null)?.priority !== undefined,
        ) &&
        !h.audit.some(
          (a) =>
            a.action === 'ticket.state_changed' &&
            (a.before as { state?: string } | null)?.state === 'resolved',
        ),
    );
    const expected = clean
      .filter((h) => verdict(h, 480) !== verdict(h, 300))
      .map((h) => h.ticket.id)
      .sort();
    const file = candidate(
      'shorter-high',
      'workflow.sla.policies.enterprise.targets.high.resolutionMinutes = 300;',
    );
    const { report } = await whatIf(file);
    const cleanIds = new Set(clean.map((h) => h.ticket.id));
    const enterpriseHigh = new Set(
      histories.filter((h) => triaged(h).slaPolicy === 'enterprise/high').map((h) => h.ticket.id),
    );
    // Only enterprise/high tickets change, and among the clean ones exactly those the direct computation names.
    for (const c of report.changed) expect(enterpriseHigh.has(c.ticketId), c.ticketId).toBe(true);
    expect(
      report.changed
        .map((c) => c.ticketId)
        .filter((id) => cleanIds.has(id))
        .sort(),
    ).toEqual(expected);
    for (const c of report.changed.filter((c) => cleanIds.has(c.ticketId)))
      expect(c.changes).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'sla.resolution', after: 'breached' })]),
      );
    expect(report.summary.breachesAdded).toBeGreaterThanOrEqual(expected.length);
    const { before, after } = report.summary.slaAttainment;
    if (expected.length > 0) expect(after ?? 0).toBeLessThan(before ?? 0);
  });

  it('refuses an invalid candidate with the path and the problem, and bad arguments', async () => {
    const file = candidate('broken', "workflow.triageRules[0].then.queue = 'bilinq';");
    const failed = await whatIf(file).catch((e: { code?: number; stderr?: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('triageRules[0].then.queue');
    const noConfig = await run(process.execPath, ['--import', 'tsx', 'tools/what-if.ts'], {
      cwd: ROOT,
    }).catch((e: { code?: number; stderr?: string }) => e);
    expect(noConfig).toMatchObject({ code: 2 });
    expect((noConfig as { stderr: string }).stderr).toContain('--config is required');
  });
});
