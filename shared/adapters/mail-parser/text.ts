// Subject, date and body text: decoded, cleaned and capped the same way on every path (mailparser's
// and the fallback's).
import libmime from 'libmime';
import { cap, type Problems, quote, withoutControls } from './head';
import { MAIL_SUBJECT_MAX, MAIL_TEXT_MAX } from './inbound-mail';

/** RFC 2047 encoded words (mailparser decodes them itself when it can run). */
export function decodeWords(value: string): string {
  return libmime.decodeWords(value);
}

export function cleanSubject(raw: string): string {
  return cap(withoutControls(raw, ' ').replace(/\s+/g, ' ').trim(), MAIL_SUBJECT_MAX);
}

export function subjectProblems(subject: string, problems: Problems): void {
  if (/=\?[^?\s]*\?[^?\s]*\?/.test(subject))
    problems.add('Subject has an encoded-word that could not be decoded');
  if (subject.includes('\ufffd')) problems.add('Subject has bytes that are not valid in its charset');
}

export function readDate(raw: string | undefined, problems: Problems): string | undefined {
  if (raw === undefined) return undefined;
  const cleaned = raw.replace(/\([^()]*\)/g, ' ').trim();
  const d = new Date(cleaned);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1970 || year > 9999) {
    problems.add(`unreadable Date header: ${quote(raw)}`);
    return undefined;
  }
  return d.toISOString();
}

export function capBody(kind: 'text' | 'HTML', value: string, problems: Problems): string {
  if (value.length <= MAIL_TEXT_MAX) return value;
  problems.add(`${kind} body truncated to ${MAIL_TEXT_MAX} characters (was ${value.length})`);
  return cap(value, MAIL_TEXT_MAX);
}

// ---------------------------------------------------------------------------------------------
// HTML as text, in time linear in the input. Not html-to-text, on purpose: this reads the HTML that
// mailparser did not render (an HTML part beside attachments, HTML it refused as too long or nested too
// deep, the fallback's body). html-to-text takes 25–40 s on 1 MB of nested tags — that is why mailparser
// refuses such HTML — and no cheap test tells that HTML apart from the rest.

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function fromCodePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
    ? String.fromCodePoint(n)
    : '';
}

/** `<script>…</script>`, `<style>…` and `<head>…` cut out with indexOf: linear, whatever the input. */
function withoutInvisibleElements(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let at = 0;
  for (;;) {
    const open = /<(script|style|head)\b/g;
    open.lastIndex = at;
    const m = open.exec(lower);
    if (!m) break;
    out += `${html.slice(at, m.index)} `;
    const close = lower.indexOf(`</${m[1]}`, m.index);
    if (close === -1) return out;
    const end = lower.indexOf('>', close);
    at = end === -1 ? lower.length : end + 1;
  }
  return out + html.slice(at);
}

/** A crude but linear HTML → text: line breaks at blocks, tags dropped, the common entities decoded. */
export function linearHtmlToText(html: string): string {
  return withoutInvisibleElements(html)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote)\s*>/gi, '\n')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,8}|#\d{1,8}|[a-z]{1,10});/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      return fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
