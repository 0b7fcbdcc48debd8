// The header block, read by hand from the raw bytes: the same answer whether mailparser succeeds or not.
// Also the small helpers every part of the parser shares: the problem list and safe string cuts.
import { TextDecoder } from 'node:util';
import type { MailHeaders } from '../../domain/mail';

const HEAD_MAX_BYTES = 1024 * 1024;
const PROBLEMS_MAX = 40;

/** What could not be read, each said once; past PROBLEMS_MAX only counted. */
export class Problems {
  private readonly list: string[] = [];
  private dropped = 0;

  add(problem: string): void {
    if (this.list.includes(problem)) return;
    if (this.list.length >= PROBLEMS_MAX) this.dropped++;
    else this.list.push(problem);
  }

  toArray(): string[] {
    return this.dropped > 0 ? [...this.list, `… and ${this.dropped} more problems`] : [...this.list];
  }
}

export const quote = (s: string, max = 60) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Cut to `max` UTF-16 units without splitting a surrogate pair. */
export function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** C0 controls and DEL replaced (a loop, not a regex: a regex of control characters reads as a mistake). */
export function withoutControls(s: string, replacement: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? replacement : ch;
  }
  return out;
}

export interface Head {
  readonly headers: MailHeaders;
  readonly first: (name: string) => string | undefined;
  readonly all: (name: string) => readonly string[];
  /** Where the body starts in the raw bytes. */
  readonly bodyOffset: number;
}

function headEnd(bytes: Buffer): { end: number; bodyOffset: number } {
  if (bytes[0] === 0x0a) return { end: 0, bodyOffset: 1 };
  if (bytes[0] === 0x0d && bytes[1] === 0x0a) return { end: 0, bodyOffset: 2 };
  const limit = Math.min(bytes.length, HEAD_MAX_BYTES);
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < limit; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return { end: i + 1, bodyOffset: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { end: i + 1, bodyOffset: i + 3 };
  }
  return { end: limit, bodyOffset: limit };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function headerText(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Header lines → lower-cased name → every value, unfolded; malformed lines are named in `problems`. */
export function parseHeaderLines(text: string, problems: Problems | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current: { name: string; value: string } | undefined;
  let skipping = false; // continuation lines of a malformed header belong to it, not to a new problem
  const flush = () => {
    if (!current) return;
    const list = map.get(current.name) ?? [];
    list.push(current.value.trim());
    map.set(current.name, list);
    current = undefined;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line === '') return;
    if (/^[ \t]/.test(line)) {
      if (current) current.value += line;
      else if (!skipping)
        problems?.add(`malformed header: continuation line without a header: ${quote(line.trim())}`);
      return;
    }
    flush();
    skipping = false;
    const colon = line.indexOf(':');
    if (i === 0 && /^From /.test(line) && (colon === -1 || colon > line.indexOf(' '))) return; // mbox envelope line
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      problems?.add(`malformed header line (no "Name:"): ${quote(line)}`);
      skipping = true;
      return;
    }
    current = { name: name.toLowerCase(), value: line.slice(colon + 1) };
  });
  flush();
  return map;
}

export function toHead(map: Map<string, string[]>, bodyOffset: number): Head {
  return {
    headers: Object.fromEntries(map),
    first: (name) => map.get(name)?.[0],
    all: (name) => map.get(name) ?? [],
    bodyOffset,
  };
}

export function readHead(bytes: Buffer, problems?: Problems): Head {
  const { end, bodyOffset } = headEnd(bytes);
  if (end >= HEAD_MAX_BYTES)
    problems?.add(`header block larger than ${HEAD_MAX_BYTES} bytes, not read past that`);
  const map = parseHeaderLines(headerText(bytes.subarray(0, end)), problems);
  return toHead(map, bodyOffset);
}
