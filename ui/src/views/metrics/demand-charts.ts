/**
 * What customers ask about and what it costs: the top drivers of the range, the drivers seen often enough
 * to deserve a knowledge-base article, and the cost of 1,000 ticket lifecycles by AWS service.
 */

import type { GapCoverage } from '../../../../shared/domain/deflection';
import { rankChart } from '../../charts';
import { h } from '../../dom';
import type { CostReport, KbGaps } from '../../types';
import { card } from './card';
import type { ChartContext } from './charts';

export function driversChart({ flow, filename, typeOf }: ChartContext): HTMLElement {
  return card({
    id: 'drivers',
    title: 'Top drivers',
    hint: 'What the tickets created in the range were about: request type and the subject’s significant words.',
    chart: rankChart({
      title: 'Top drivers by tickets created',
      summary: flow.drivers
        .slice(0, 5)
        .map((d) => `${d.label} (${typeOf(d.requestType)}) ${d.count}`)
        .join(', '),
      items: flow.drivers.map((d) => ({ label: `${d.label} · ${typeOf(d.requestType)}`, value: d.count })),
    }),
    table: {
      columns: ['driver', 'request type', 'tickets'],
      rows: flow.drivers.map((d) => [d.label, typeOf(d.requestType), d.count]),
    },
    filename: filename('drivers'),
    empty: flow.drivers.length === 0 ? 'No tickets were created in this range.' : undefined,
  });
}

/** Whether an article covers a gap (issue 18), as `GET /v1/metrics/kb-gaps` says. */
function coverageOf(gap: KbGaps['gaps'][number]): string {
  const coverage = (gap as { coverage?: GapCoverage }).coverage;
  if (!coverage) return '';
  return coverage.status === 'missing' || !coverage.bestMatch
    ? 'missing: no help article covers it'
    : `exists but does not deflect: ${coverage.bestMatch.slug} (score ${coverage.bestMatch.score})`;
}

/** Each gap with up to three example tickets to read. */
function gapList(kb: KbGaps, typeOf: (t: string) => string): HTMLElement {
  return h(
    'ol',
    { class: 'kb-gaps' },
    kb.gaps.map((g) =>
      h(
        'li',
        { 'data-driver': g.driver, 'data-count': g.count },
        h('span', { class: 'kb-label' }, g.label),
        ` (${typeOf(g.requestType)}): `,
        h('strong', {}, `${g.count} tickets`),
        ` in ${kb.windowDays} days`,
        coverageOf(g)
          ? h(
              'span',
              { class: 'kb-coverage', 'data-coverage': (g as { coverage?: GapCoverage }).coverage?.status },
              ` · ${coverageOf(g)}`,
            )
          : null,
        g.examples.length
          ? h(
              'ul',
              { class: 'kb-examples', 'aria-label': `Examples of ${g.label}` },
              g.examples
                .slice(0, 3)
                .map((ex) =>
                  h(
                    'li',
                    {},
                    h('a', { href: `#/tickets/${encodeURIComponent(ex.reference)}` }, ex.reference),
                    ` ${ex.subject}`,
                  ),
                ),
            )
          : null,
      ),
    ),
  );
}

/** Drivers seen more often than the threshold in the window (all queues): each deserves a knowledge-base article. */
export function kbGapsChart(kb: KbGaps, to: string, typeOf: (t: string) => string): HTMLElement {
  return card({
    id: 'kb-gaps',
    title: 'Knowledge-base gaps',
    hint: `Drivers seen more than ${kb.threshold} times in the last ${kb.windowDays} days (all queues): write them up so customers find the answer themselves. Change the threshold or window in the address (kbThreshold, kbDays).`,
    chart: rankChart({
      title: 'Knowledge-base gaps: drivers over the threshold',
      summary: kb.gaps.length
        ? `${kb.gaps.length} drivers over ${kb.threshold} in ${kb.windowDays} days, led by ${kb.gaps[0]?.label} with ${kb.gaps[0]?.count}.`
        : `No driver over ${kb.threshold} in ${kb.windowDays} days.`,
      items: kb.gaps.map((g) => ({
        label: `${g.label} · ${typeOf(g.requestType)}`,
        value: g.count,
        highlight: true,
      })),
      rule: { value: kb.threshold, label: `threshold ${kb.threshold}` },
    }),
    after: kb.gaps.length ? gapList(kb, typeOf) : undefined,
    table: {
      columns: ['driver', 'request type', `tickets in ${kb.windowDays} days`, 'examples', 'article'],
      rows: kb.gaps.map((g) => [
        g.label,
        typeOf(g.requestType),
        g.count,
        g.examples.map((e) => e.reference).join(' '),
        coverageOf(g) || null,
      ]),
    },
    filename: `frontdoor-kb-gaps-${kb.windowDays}d-over-${kb.threshold}-${to}.csv`,
    empty:
      kb.gaps.length === 0
        ? `No driver was seen more than ${kb.threshold} times in the last ${kb.windowDays} days.`
        : undefined,
  });
}

/** Dollars per 1,000 ticket lifecycles by service, as the deployment measured and priced them. */
export function costChart(cost: CostReport): HTMLElement {
  const services = Object.entries(cost.perThousandLifecycles.byService)
    .filter(([, usd]) => usd > 0)
    .sort((a, b) => b[1] - a[1]);
  const currency = cost.currency ?? 'USD';
  // Per-service amounts run from dollars down to fractions of a cent: keep two significant digits.
  const money = (n: number) =>
    `${n >= 1 ? n.toFixed(2) : n >= 0.01 ? n.toFixed(3) : String(Number(n.toPrecision(2)))} ${currency}`;
  const when = [
    cost.pricesAsOf ? `list prices${cost.region ? ` in ${cost.region}` : ''} as of ${cost.pricesAsOf}` : '',
    cost.measuredAt ? `operations measured ${cost.measuredAt.slice(0, 10)}` : '',
    cost.lifecycles ? `over ${cost.lifecycles} lifecycles` : '',
  ].filter(Boolean);
  return card({
    id: 'cost',
    title: 'Cost per 1,000 ticket lifecycles',
    hint: `${money(cost.perThousandLifecycles.total)} in total${when.length ? ` (${when.join(', ')})` : ''}.${cost.lifecycle ? ` One lifecycle: ${cost.lifecycle}.` : ''}`,
    chart: rankChart({
      title: 'Cost per 1,000 ticket lifecycles by service',
      summary: services.map(([s, usd]) => `${s} ${money(usd)}`).join(', '),
      items: services.map(([s, usd]) => ({ label: s, value: usd })),
      format: money,
    }),
    table: {
      columns: ['service', `${currency} per 1,000 lifecycles`],
      rows: [...services, ['total', cost.perThousandLifecycles.total]],
    },
    filename: 'frontdoor-cost-per-1000-lifecycles.csv',
  });
}
