/**
 * Hand-made SVG charts for the dashboard: no chart library, so nothing but our own code runs under the
 * strict CSP (presentation attributes and classes only, never a style attribute). Every chart is a
 * `role="img"` SVG named by its caption and summarised in a `<desc>`, every mark carries a `<title>` (the
 * browser's tooltip), and the caller shows the same numbers as a table for screen readers and keyboards.
 * Series differ by colour and also by dash and marker shape, never by colour alone.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

type SvgAttrs = Record<string, string | number | undefined>;

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs = {},
  ...children: Array<Node | string | null | undefined | false>
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs))
    if (value !== undefined) el.setAttribute(name, String(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11), distinguishable without colour by `dash`. */
export const SERIES_STYLES = [
  { color: '#0a58ca', dash: undefined, marker: 'circle' },
  { color: '#b35900', dash: '6 3', marker: 'square' },
  { color: '#1a7f37', dash: '2 3', marker: 'diamond' },
  { color: '#8250df', dash: '10 3 2 3', marker: 'triangle' },
] as const;

export interface Series {
  readonly name: string;
  /** One value per category (null: no value that day, the line breaks). */
  readonly values: ReadonlyArray<number | null>;
}

export interface ChartOptions {
  /** Accessible name (the figure's caption says the same). */
  readonly title: string;
  /** One sentence summarising what the chart shows, for `<desc>`. */
  readonly summary: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  /** How a value reads in titles and on the axis ("12 min", "85 %"). */
  readonly format?: (n: number) => string;
  /** The top of the scale when the data has a natural one (100 % attainment, CSAT 5). */
  readonly max?: number;
  /** A short category label for the axis ("Nov 3"). */
  readonly categoryLabel?: (c: string) => string;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 14, right: 14, bottom: 30, left: 52 };
let chartSeq = 0;

/** The top of a scale whose four grid steps are round numbers (1, 2, 2.5 or 5 times a power of ten). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((x) => x >= rough) ?? 10 * magnitude;
  return step * 4;
}

const plain = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function frame(
  opts: ChartOptions,
  kind: string,
): { svg: SVGSVGElement; y: (v: number) => number; top: number } {
  chartSeq += 1;
  const id = `chart-${chartSeq}`;
  const all = opts.series.flatMap((x) => x.values).filter((v): v is number => v !== null);
  const top = opts.max ?? niceMax(Math.max(0, ...all));
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  const fmt = opts.format ?? plain;
  const svg = s(
    'svg',
    {
      class: `chart chart-${kind}`,
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: `${id}-title` }, opts.title),
    s('desc', { id: `${id}-desc` }, opts.summary),
  );
  const grid = s('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = top * f;
    grid.append(
      s('line', {
        x1: PAD.left,
        x2: WIDTH - PAD.right,
        y1: y(v),
        y2: y(v),
        class: f === 0 ? 'axis' : 'gridline',
      }),
      s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)),
    );
  }
  svg.append(grid);
  return { svg, y, top };
}

function xLabels(svg: SVGSVGElement, opts: ChartOptions, x: (i: number) => number): void {
  const n = opts.categories.length;
  const label = opts.categoryLabel ?? ((c: string) => c);
  const picks =
    n <= 8 ? [...Array(n).keys()] : [0, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1];
  const g = s('g', { class: 'x-labels', 'aria-hidden': 'true' });
  for (const i of new Set(picks)) {
    const c = opts.categories[i];
    if (c === undefined) continue;
    g.append(s('text', { x: x(i), y: HEIGHT - 10, 'text-anchor': 'middle', class: 'tick' }, label(c)));
  }
  svg.append(g);
}

function marker(kind: string, cx: number, cy: number, color: string, title: string): SVGElement {
  const r = 3.5;
  const attrs = { class: 'mark', fill: color, stroke: '#ffffff', 'stroke-width': 1 };
  const t = s('title', {}, title);
  switch (kind) {
    case 'square':
      return s('rect', { ...attrs, x: cx - r, y: cy - r, width: 2 * r, height: 2 * r }, t);
    case 'diamond':
      return s(
        'polygon',
        {
          ...attrs,
          points: `${cx},${cy - r - 1} ${cx + r + 1},${cy} ${cx},${cy + r + 1} ${cx - r - 1},${cy}`,
        },
        t,
      );
    case 'triangle':
      return s(
        'polygon',
        { ...attrs, points: `${cx},${cy - r - 1} ${cx + r + 1},${cy + r} ${cx - r - 1},${cy + r}` },
        t,
      );
    default:
      return s('circle', { ...attrs, cx, cy, r }, t);
  }
}

/** Lines over categories (days), one per series, with a marker per value that can be hovered. */
export function lineChart(opts: ChartOptions): SVGSVGElement {
  const { svg, y } = frame(opts, 'line');
  const n = opts.categories.length;
  const plotW = WIDTH - PAD.left - PAD.right;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const fmt = opts.format ?? plain;
  opts.series.forEach((series, si) => {
    const style = SERIES_STYLES[si % SERIES_STYLES.length] ?? SERIES_STYLES[0];
    const g = s('g', { class: 'series', 'data-series': series.name });
    // A gap (no value that day) breaks the line rather than drawing through it.
    let path = '';
    let pen = false;
    series.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    g.append(
      s('path', {
        d: path || 'M0,0',
        fill: 'none',
        stroke: style.color,
        'stroke-width': 2,
        'stroke-dasharray': style.dash,
        'aria-hidden': 'true',
      }),
    );
    series.values.forEach((v, i) => {
      if (v === null) return;
      g.append(
        marker(style.marker, x(i), y(v), style.color, `${opts.categories[i]}: ${series.name} ${fmt(v)}`),
      );
    });
    svg.append(g);
  });
  xLabels(svg, opts, x);
  return svg;
}

/** Bars per category; several series stack (time blocked by kind) unless `grouped`. */
export function barChart(opts: ChartOptions & { readonly grouped?: boolean }): SVGSVGElement {
  const stacked = !opts.grouped && opts.series.length > 1;
  const totals = opts.categories.map((_, i) => opts.series.reduce((sum, x) => sum + (x.values[i] ?? 0), 0));
  const { svg, y } = frame(stacked ? { ...opts, series: [{ name: 'total', values: totals }] } : opts, 'bar');
  const n = opts.categories.length;
  const plotW = WIDTH - PAD.left - PAD.right;
  const slot = plotW / Math.max(n, 1);
  const groupW = Math.max(1, slot * 0.75);
  const fmt = opts.format ?? plain;
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const base = y(0);
  opts.series.forEach((series, si) => {
    const style = SERIES_STYLES[si % SERIES_STYLES.length] ?? SERIES_STYLES[0];
    const g = s('g', { class: 'series', 'data-series': series.name });
    series.values.forEach((v, i) => {
      if (v === null || v <= 0) return;
      const below = stacked ? opts.series.slice(0, si).reduce((sum, o) => sum + (o.values[i] ?? 0), 0) : 0;
      const w = stacked || opts.series.length === 1 ? groupW : groupW / opts.series.length;
      const left = stacked || opts.series.length === 1 ? x(i) - groupW / 2 : x(i) - groupW / 2 + w * si;
      const top = y(below + v);
      const bottom = stacked ? y(below) : base;
      g.append(
        s(
          'rect',
          {
            class: 'mark',
            x: left.toFixed(1),
            y: top.toFixed(1),
            width: Math.max(0.8, w - (n > 40 ? 0.3 : 1)).toFixed(1),
            height: Math.max(0.5, bottom - top).toFixed(1),
            fill: style.color,
            // A hatch-like dash on the outline tells stacked series apart without colour.
            stroke: style.dash && w > 6 ? '#ffffff' : 'none',
            'stroke-dasharray': style.dash,
          },
          s('title', {}, `${opts.categories[i]}: ${series.name} ${fmt(v)}`),
        ),
      );
    });
    svg.append(g);
  });
  xLabels(svg, opts, x);
  return svg;
}

/** Horizontal bars for ranked lists (top drivers, backlog by state): labels left, value right. */
export function rankChart(opts: {
  readonly title: string;
  readonly summary: string;
  readonly items: ReadonlyArray<{
    readonly label: string;
    readonly value: number;
    readonly highlight?: boolean;
  }>;
  readonly format?: (n: number) => string;
  /** A vertical rule at this value (the KB-gap threshold). */
  readonly rule?: { readonly value: number; readonly label: string };
}): SVGSVGElement {
  chartSeq += 1;
  const id = `chart-${chartSeq}`;
  const row = 26;
  const labelW = 230;
  const height = Math.max(1, opts.items.length) * row + 24;
  const fmt = opts.format ?? plain;
  const max = niceMax(Math.max(1, opts.rule?.value ?? 0, ...opts.items.map((i) => i.value)));
  const plotW = WIDTH - labelW - 60;
  const w = (v: number) => (Math.min(v, max) / max) * plotW;
  const svg = s(
    'svg',
    {
      class: 'chart chart-rank',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
    },
    s('title', { id: `${id}-title` }, opts.title),
    s('desc', { id: `${id}-desc` }, opts.summary),
  );
  opts.items.forEach((item, i) => {
    const top = 8 + i * row;
    const label = item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label;
    svg.append(
      s(
        'text',
        { x: labelW - 8, y: top + 15, 'text-anchor': 'end', class: 'tick', 'aria-hidden': 'true' },
        label,
      ),
      s(
        'rect',
        {
          class: `mark${item.highlight ? ' mark-highlight' : ''}`,
          x: labelW,
          y: top + 3,
          width: Math.max(1, w(item.value)).toFixed(1),
          height: row - 8,
          fill: item.highlight ? '#b35900' : '#0a58ca',
        },
        s('title', {}, `${item.label}: ${fmt(item.value)}`),
      ),
      s(
        'text',
        { x: labelW + w(item.value) + 6, y: top + 15, class: 'value', 'aria-hidden': 'true' },
        fmt(item.value),
      ),
    );
  });
  if (opts.rule) {
    const rx = labelW + w(opts.rule.value);
    svg.append(
      s(
        'g',
        { class: 'rule', 'aria-hidden': 'true' },
        s('line', { x1: rx, x2: rx, y1: 2, y2: height - 18, stroke: '#57606a', 'stroke-dasharray': '4 3' }),
        s('text', { x: rx, y: height - 6, 'text-anchor': 'middle', class: 'tick' }, opts.rule.label),
      ),
    );
  }
  return svg;
}

/** A legend in HTML (real text, wraps, readable at any zoom), matching the series' colour and dash. */
export function legend(names: readonly string[]): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  names.forEach((name, i) => {
    const style = SERIES_STYLES[i % SERIES_STYLES.length] ?? SERIES_STYLES[0];
    const li = document.createElement('li');
    const swatch = s(
      'svg',
      { width: 28, height: 12, viewBox: '0 0 28 12', 'aria-hidden': 'true', class: 'swatch' },
      s('line', {
        x1: 1,
        x2: 27,
        y1: 6,
        y2: 6,
        stroke: style.color,
        'stroke-width': 3,
        'stroke-dasharray': style.dash,
      }),
    );
    li.append(swatch, document.createTextNode(name));
    ul.append(li);
  });
  return ul;
}
