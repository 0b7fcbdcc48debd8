import { describe, expect, it } from 'vitest';
import type { ReplayOutcome, ReplayResult } from '../../shared/domain/what-if';
import { addToSummary, emptySummary, REPLAY_LIMITS } from '../../shared/domain/what-if';
import { parseWhatIfArgs } from '../../tools/what-if';
import { summaryLines, whatIfReport } from '../../tools/what-if/report';

// The what-if CLI's pure parts (issue 20): its arguments, the summary lines and the HTML report.

const outcome = (overrides: Partial<ReplayOutcome> = {}): ReplayOutcome => ({
  requestType: 'billing_dispute',
  priority: 'high',
  queue: 'billing',
  tags: ['enterprise'],
  missingFields: [],
  needsInfo: false,
  intakeIssues: [],
  slaPolicy: 'enterprise/high',
  sla: { firstResponse: 'met', resolution: 'met' },
  escalations: [],
  approvalsRequired: [],
  automations: { reminders: 0, statusUpdates: 0, autoClosed: false },
  ...overrides,
});

const result = (id: string, after: Partial<ReplayOutcome>): ReplayResult => {
  const before = outcome();
  const changed = outcome(after);
  const changes = (Object.keys(after) as Array<keyof ReplayOutcome>).map((field) => ({
    field: field === 'sla' ? 'sla.resolution' : field,
    before: field === 'sla' ? before.sla.resolution : before[field],
    after: field === 'sla' ? changed.sla.resolution : changed[field],
  }));
  return {
    ticketId: id,
    reference: `FD-${id}`,
    createdAt: '2026-11-02T10:00:00.000Z',
    before,
    after: changed,
    changes,
    notes: [],
  };
};

describe('npm run what-if arguments', () => {
  it('needs --config, reads days and date-times, and refuses a period that ends before it starts', () => {
    expect(() => parseWhatIfArgs([], {})).toThrow(/--config is required/);
    expect(() => parseWhatIfArgs(['--config', 'c.ts', '--bogus'], {})).toThrow(/bogus/);
    expect(() => parseWhatIfArgs(['--config', 'c.ts', '--from', 'yesterday'], {})).toThrow(
      /--from must be a date/,
    );
    expect(() =>
      parseWhatIfArgs(['--config', 'c.ts', '--from', '2026-11-02', '--to', '2026-11-01'], {}),
    ).toThrow(/--from must be before --to/);
    const args = parseWhatIfArgs(['--config', 'c.ts', '--from', '2026-11-01', '--to', '2026-11-30'], {});
    expect(args.from?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    // A day given as --to counts whole.
    expect(args.to?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(args).toMatchObject({ target: 'local', out: 'what-if' });
  });

  it('reads the deployed table with --aws or AWS_REGION, and then needs TABLE_NAME', () => {
    expect(() => parseWhatIfArgs(['--config', 'c.ts', '--aws'], {})).toThrow(/TABLE_NAME/);
    expect(parseWhatIfArgs(['--config', 'c.ts'], { AWS_REGION: 'eu-west-1', TABLE_NAME: 't' }).target).toBe(
      'aws',
    );
    expect(parseWhatIfArgs(['--config', 'c.ts', '--local'], { AWS_REGION: 'eu-west-1' }).target).toBe(
      'local',
    );
  });
});

describe('the what-if summary and report', () => {
  const results = [
    result('1', { priority: 'normal', slaPolicy: 'enterprise/normal' }),
    result('2', { sla: { firstResponse: 'met', resolution: 'breached' } }),
    result('3', {}),
  ];
  const summary = results.reduce(addToSummary, emptySummary());

  it('prints the changes by field and the SLA attainment before and after', () => {
    const lines = summaryLines(summary);
    expect(lines[0]).toBe('tickets replayed: 3; changed: 2');
    expect(lines[1]).toBe('changed by field: priority 1, sla.resolution 1, slaPolicy 1');
    expect(lines[2]).toBe('SLA attainment (resolution): 100.0 % → 66.7 %; breaches added 1, avoided 0');
  });

  it('writes one self-contained page: escaped, no script, nothing fetched, every table captioned', () => {
    const html = whatIfReport({
      candidate: 'candidate <b>.ts',
      period: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
      target: 'local',
      replayedAt: '2026-12-01T00:00:00.000Z',
      seconds: 1.5,
      summary,
      changed: results.filter((r) => r.changes.length > 0),
      unreadable: [],
      limits: REPLAY_LIMITS,
    });
    expect(html).toContain('candidate &lt;b&gt;.ts');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script|src=|href=|https?:\/\//);
    expect(html).toContain(`default-src 'none'`);
    expect((html.match(/<table>/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
    expect(html).toContain('<th scope="row">FD-1</th>');
    expect(html).toMatch(
      /<svg role="img" aria-label="SLA attainment by queue\. billing: 100\.0 % before, 66\.7 % after"/,
    );
    for (const limit of REPLAY_LIMITS) expect(html).toContain(limit.replace(/&/g, '&amp;').slice(0, 40));
  });
});
