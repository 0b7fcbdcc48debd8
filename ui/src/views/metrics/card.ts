/**
 * A chart card: heading, hint, the chart with its legend, its numbers as a table (for screen readers and
 * keyboards, behind "Show the numbers"), and a button that downloads the same rows as CSV.
 */
import { legend } from '../../charts';
import { h, uid } from '../../dom';
import { announce } from '../../messages';

export interface Table {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

export function csvOf(table: Table): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[table.columns, ...table.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: filename, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started; the object URL is no longer needed once the click is handled.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function dataTable(title: string, data: Table): HTMLTableElement {
  return h(
    'table',
    { class: 'data' },
    h('caption', { class: 'visually-hidden' }, title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        data.columns.map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : undefined }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      data.rows.map((r) =>
        h(
          'tr',
          {},
          r.map((v, i) =>
            i === 0
              ? h('th', { scope: 'row' }, String(v ?? ''))
              : h('td', { class: 'num' }, v === null ? '—' : String(v)),
          ),
        ),
      ),
    ),
  );
}

export interface CardOptions {
  /** `data-chart` and the CSV button's `data-csv`. */
  id: string;
  title: string;
  hint?: string;
  chart: Node;
  legendNames?: readonly string[];
  table: Table;
  filename: string;
  /** Shown above the chart when there is nothing to draw yet. */
  empty?: string | undefined;
  /** Anything the chart needs below it (the KB-gap list). */
  after?: Node | undefined;
}

export function card(opts: CardOptions): HTMLElement {
  const titleId = uid(`metrics-${opts.id}`);
  const table = dataTable(opts.title, opts.table);
  return h(
    'section',
    { class: 'chart-card', 'aria-labelledby': titleId, 'data-chart': opts.id },
    h('h2', { id: titleId }, opts.title),
    opts.hint ? h('p', { class: 'hint' }, opts.hint) : null,
    opts.empty ? h('p', { class: 'empty' }, opts.empty) : null,
    h('figure', { class: 'chart-figure' }, opts.chart, opts.legendNames ? legend(opts.legendNames) : null),
    opts.after ?? null,
    h(
      'div',
      { class: 'chart-actions' },
      h(
        'details',
        { class: 'chart-data' },
        h('summary', {}, 'Show the numbers'),
        h('div', { class: 'table-wrap' }, table),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button csv-button',
          'data-csv': opts.id,
          onclick: () => {
            download(opts.filename, csvOf(opts.table));
            announce(`Downloaded ${opts.filename}.`);
          },
        },
        'Download CSV',
        h('span', { class: 'visually-hidden' }, `: ${opts.title}`),
      ),
    ),
  );
}
