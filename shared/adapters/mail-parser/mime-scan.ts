// The MIME structure, scanned from the raw bytes for what mailparser reads without a word: a charset it
// cannot decode (it falls back to UTF-8 silently) and a multipart that was never closed.
import libmime from 'libmime';
import { parseContentType } from '../../domain/mail';
import { type Head, parseHeaderLines } from './head';

const charsetKnown = new Map<string, boolean>();

/** Whether libmime — the decoder mailparser uses — can read this charset (UTF-7 and the like it refuses). */
function isKnownCharset(label: string): boolean {
  const name = label.toLowerCase();
  const cached = charsetKnown.get(name);
  if (cached !== undefined) return cached;
  const known = libmime.createDecodeStream(name).supported;
  if (charsetKnown.size < 256) charsetKnown.set(name, known);
  return known;
}

/** A Content-Type `charset` parameter or encoded-word charset as a plain label (quotes, RFC 2231 `*lang` gone). */
export const charsetLabel = (raw: string) =>
  raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '');

export interface MimeScan {
  readonly unknownCharsets: Set<string>;
  readonly unterminated: string[];
}

const HEADER_BLOCK_TYPES = [
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
];

/** One pass over the lines: every part's Content-Type charset, and every multipart left unclosed. */
export function scanMime(bytes: Buffer, top: Head): MimeScan {
  const unknownCharsets = new Set<string>();
  const boundaries = new Map<string, 'declared' | 'opened' | 'closed'>();
  const noteCharset = (cs: string | undefined) => {
    const label = cs === undefined ? '' : charsetLabel(cs);
    if (label && !isKnownCharset(label)) unknownCharsets.add(label);
  };
  /** Returns whether the part's body is itself a header block (an attached message). */
  const noteHead = (contentType: string | undefined, encoding: string | undefined): boolean => {
    if (contentType === undefined) return false;
    const ct = parseContentType(contentType);
    noteCharset(ct.params.get('charset'));
    const boundary = ct.params.get('boundary');
    if (ct.type.startsWith('multipart/') && boundary && !boundaries.has(boundary))
      boundaries.set(boundary, 'declared');
    const enc = (encoding ?? '').trim().toLowerCase();
    const opaque = enc === 'base64' || enc === 'quoted-printable';
    return HEADER_BLOCK_TYPES.includes(ct.type) && !opaque;
  };
  for (const values of Object.values(top.headers)) {
    for (const v of values) {
      for (const m of v.matchAll(/=\?([^?\s]+)\?[bBqQ]\?/g)) noteCharset(m[1]);
    }
  }
  let bodyIsHead = noteHead(top.first('content-type'), top.first('content-transfer-encoding'));
  if (boundaries.size === 0 && !bodyIsHead) return { unknownCharsets, unterminated: [] };

  const text = bytes.toString('latin1', top.bodyOffset);
  let inHead = bodyIsHead;
  let headLines: string[] = [];
  const endHead = () => {
    const map = parseHeaderLines(headLines.join('\n'), undefined);
    bodyIsHead = noteHead(map.get('content-type')?.[0], map.get('content-transfer-encoding')?.[0]);
    headLines = [];
    inHead = bodyIsHead;
  };
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl === -1) nl = text.length;
    const line = text.slice(from, nl).replace(/\r$/, '');
    from = nl + 1;
    if (line.startsWith('--') && boundaries.size > 0) {
      const candidate = line.slice(2).trimEnd();
      if (candidate.endsWith('--') && boundaries.has(candidate.slice(0, -2))) {
        boundaries.set(candidate.slice(0, -2), 'closed');
        inHead = false;
        headLines = [];
        continue;
      }
      if (boundaries.has(candidate)) {
        if (boundaries.get(candidate) === 'declared') boundaries.set(candidate, 'opened');
        inHead = true;
        headLines = [];
        continue;
      }
    }
    if (inHead) {
      if (line === '') endHead();
      else headLines.push(line);
    }
  }
  const unterminated = [...boundaries].filter(([, state]) => state === 'opened').map(([b]) => b);
  return { unknownCharsets, unterminated };
}
