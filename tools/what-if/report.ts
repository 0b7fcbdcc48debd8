/**
 * The what-if replay's outputs (issue 20), pure: the summary as lines for the terminal, and one
 * self-contained HTML page (tables and small SVG bar charts; no script, no external request — its CSP
 * allows nothing but its own inline style) for a lead to read and share.
 */
import type { ReplayResult, WhatIfSummary } from '../../shared/domain/what-if';

export interface WhatIfReportInput {
  readonly candidate: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly target: 'local' | 'aws';
  readonly replayedAt: string;
  readonly seconds: number;
  readonly summary: WhatIfSummary;
  readonly changed: readonly ReplayResult[];
  readonly unreadable: readonly string[];
  readonly limits: readonly string[];
}

const pct = (share: number | null): string => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);
const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** The summary, one fact per line (stdout). */
export function summaryLines(s: WhatIfSummary): string[] {
  const fields = Object.entries(s.changedByField).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [
    `tickets replayed: ${s.tickets}; changed: ${s.changed}`,
    ...(fields.length > 0 ? [`changed by field: ${fields.map(([f, n]) => `${f} ${n}`).join(', ')}`] : []),
    `SLA attainment (resolution): ${pct(s.slaAttainment.before)} → ${pct(s.slaAttainment.after)}; breaches added ${s.breachesAdded}, avoided ${s.breachesAvoided}`,
    `escalations: ${s.escalations.before} → ${s.escalations.after} (${signed(s.escalations.after - s.escalations.before)})`,
    `approvals required: ${s.approvalsRequired.before} → ${s.approvalsRequired.after}`,
    `needs-info rate: ${pct(s.needsInfoRate.before)} → ${pct(s.needsInfoRate.after)}`,
  ];
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (value: unknown): string =>
  (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(
    /[&<>"']/g,
    (c) => ESCAPES[c] ?? c,
  );

/** A horizontal bar chart of before/after shares (0–1), with its numbers in its accessible name. */
function barChart(
  title: string,
  rows: ReadonlyArray<{ label: string; before: number | null; after: number | null }>,
): string {
  const width = 420;
  const barHeight = 12;
  const rowHeight = 2 * barHeight + 14;
  const labelWidth = 140;
  const scale = (v: number | null) => Math.round((v ?? 0) * (width - labelWidth - 60));
  const described = rows.map((r) => `${r.label}: ${pct(r.before)} before, ${pct(r.after)} after`).join('; ');
  const bars = rows
    .map((r, i) => {
      const y = i * rowHeight;
      return [
        `<text x="0" y="${y + barHeight + 2}" font-size="11">${esc(r.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${scale(r.before)}" height="${barHeight}" fill="#8a94a6"/>`,
        `<text x="${labelWidth + scale(r.before) + 4}" y="${y + barHeight - 2}" font-size="10">${pct(r.before)}</text>`,
        `<rect x="${labelWidth}" y="${y + barHeight + 2}" width="${scale(r.after)}" height="${barHeight}" fill="#1f5fbf"/>`,
        `<text x="${labelWidth + scale(r.after) + 4}" y="${y + 2 * barHeight}" font-size="10">${pct(r.after)}</text>`,
      ].join('');
    })
    .join('');
  return `<figure><svg role="img" aria-label="${esc(`${title}. ${described}`)}" width="${width}" height="${Math.max(rowHeight * rows.length, rowHeight)}" viewBox="0 0 ${width} ${Math.max(rowHeight * rows.length, rowHeight)}"><title>${esc(title)}</title>${bars}</svg><figcaption>${esc(title)} — grey: in force, blue: candidate</figcaption></figure>`;
}

function table(caption: string, head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The changed tickets shown in the page; the JSON file has all of them. */
const SHOWN_CHANGES = 500;

/** The HTML report: self-contained, readable without script, nothing fetched. */
export function whatIfReport(r: WhatIfReportInput): string {
  const s = r.summary;
  const queues = Object.entries(s.byQueue).sort((a, b) => a[0].localeCompare(b[0]));
  const types = Object.entries(s.byRequestType).sort((a, b) => a[0].localeCompare(b[0]));
  const fields = Object.entries(s.changedByField).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const headline = table(
    'Before and after',
    ['Measure', 'In force', 'Candidate'],
    [
      ['Tickets replayed', String(s.tickets), String(s.tickets)],
      ['Tickets changed', '–', String(s.changed)],
      ['SLA attainment (resolution)', pct(s.slaAttainment.before), pct(s.slaAttainment.after)],
      ['Breaches added / avoided', '–', `${s.breachesAdded} / ${s.breachesAvoided}`],
      ['Escalations', String(s.escalations.before), String(s.escalations.after)],
      ['Approvals required', String(s.approvalsRequired.before), String(s.approvalsRequired.after)],
      ['Needs-info rate', pct(s.needsInfoRate.before), pct(s.needsInfoRate.after)],
    ],
  );
  const byField = table(
    'Tickets changed by field',
    ['Field', 'Tickets'],
    fields.map(([f, n]) => [esc(f), String(n)]),
  );
  const byQueue = table(
    'By queue (the candidate’s queue)',
    ['Queue', 'Tickets', 'Changed', 'Attainment in force', 'Attainment candidate'],
    queues.map(([q, v]) => [
      esc(q),
      String(v.tickets),
      String(v.changed),
      pct(v.attainmentBefore),
      pct(v.attainmentAfter),
    ]),
  );
  const byType = table(
    'By request type',
    ['Request type', 'Tickets', 'Changed'],
    types.map(([t, v]) => [esc(t), String(v.tickets), String(v.changed)]),
  );
  const chart = barChart(
    'SLA attainment by queue',
    queues.map(([q, v]) => ({ label: q, before: v.attainmentBefore, after: v.attainmentAfter })),
  );
  const examples = table(
    `Changed tickets (${Math.min(r.changed.length, SHOWN_CHANGES)} of ${r.changed.length}; all in the JSON file)`,
    ['Ticket', 'Created', 'Field', 'In force', 'Candidate'],
    r.changed
      .slice(0, SHOWN_CHANGES)
      .flatMap((t) =>
        t.changes.map((c, i) => [
          i === 0 ? esc(t.reference) : '',
          i === 0 ? esc(t.createdAt.slice(0, 16).replace('T', ' ')) : '',
          esc(c.field),
          `<code>${esc(c.before)}</code>`,
          `<code>${esc(c.after)}</code>`,
        ]),
      ),
  );
  const limits = r.limits.map((l) => `<li>${esc(l)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>What-if: ${esc(r.candidate)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1f24; }
table { border-collapse: collapse; margin: 1rem 0 2rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { border-bottom: 1px solid #d5d9e0; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td code { font-size: 12px; word-break: break-word; }
figure { margin: 1rem 0 2rem; }
</style>
</head>
<body>
<main>
<h1>What-if replay</h1>
<p>Candidate <code>${esc(r.candidate)}</code> against the workflow in force, over the tickets created from
${esc(r.period.from)} to ${esc(r.period.to)} (${r.target === 'aws' ? 'the deployed table' : 'the local runtime'}),
replayed at ${esc(r.replayedAt)} in ${r.seconds.toFixed(1)} s. Nothing was written, mailed or published.</p>
<h2>Summary</h2>
${headline}
${chart}
${byField}
${byQueue}
${byType}
<h2>What a replay cannot show</h2>
<ul>${limits}</ul>
${r.unreadable.length > 0 ? `<p>Not replayed (gone or unreadable): ${r.unreadable.map(esc).join(', ')}</p>` : ''}
<h2>Changed tickets</h2>
${examples}
</main>
</body>
</html>
`;
}
