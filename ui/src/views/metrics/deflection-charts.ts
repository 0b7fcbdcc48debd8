/**
 * Tier 0 (issue 18): how often the help articles answered instead of a ticket — deflections the forms
 * recorded against tickets filed through a form, tickets customers resolved themselves from their
 * acknowledgement's "this solved it", and how often articles were opened (help centre, form, mail).
 */
import { barChart } from '../../charts';
import { card } from './card';
import type { ChartContext } from './charts';
import { integer, orDash, percent } from './format';

export function deflectionChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const d = flow.totals.deflection;
  const views = (source: string) => integer.format(d.viewsBySource[source] ?? 0);
  return card({
    id: 'deflection',
    title: 'Deflection (self-service)',
    hint: `Deflection rate: deflections ÷ (deflections + form tickets), ${orDash(flow.totals.deflectionRate, percent)} over the range. ${integer.format(d.selfServed)} tickets resolved by the customer from an article (${integer.format(d.solved)} “this solved it”); ${integer.format(d.articleViews)} article views (help centre ${views('help')}, form ${views('form')}, mail ${views('mail')}).`,
    chart: barChart({
      ...perDay,
      grouped: true,
      title: 'Deflections, form tickets and self-served resolutions per day',
      summary: `${d.deflections} deflections against ${d.formTickets} form tickets (${orDash(flow.totals.deflectionRate, percent)}); ${d.selfServed} self-served resolutions.`,
      series: [
        { name: 'deflections', values: days.map((x) => x.deflection.deflections) },
        { name: 'form tickets', values: days.map((x) => x.deflection.formTickets) },
        { name: 'self-served', values: days.map((x) => x.deflection.selfServed) },
      ],
    }),
    legendNames: ['deflections', 'form tickets', 'self-served'],
    table: {
      columns: ['day', 'deflections', 'form tickets', 'self-served', '"solved"', 'article views'],
      rows: days.map((x) => [
        x.day,
        x.deflection.deflections,
        x.deflection.formTickets,
        x.deflection.selfServed,
        x.deflection.solved,
        x.deflection.articleViews,
      ]),
    },
    filename: filename('deflection'),
    empty: none(
      d.deflections + d.formTickets + d.articleViews,
      'was asked through a form or read in the help centre',
    ),
  });
}
