// Raw inbound MIME → one plain object the email use case can trust. mailparser does the hard parts
// (charsets, transfer encodings, RFC 2047/2231); this module adds the classification, the bounce
// details, attachment risk, limits, and a fallback so that no message — however broken — is lost:
// parseMail never throws and always answers, with `problems` saying what could not be read.
import { TextDecoder } from 'node:util';
import {
  type AddressObject,
  type Attachment,
  type EmailAddress,
  type ParsedMail,
  simpleParser,
} from 'mailparser';
import {
  classifyMail,
  type MailClass,
  type MailHeaders,
  messageIdList,
  normaliseMessageId,
  parseContentType,
} from '../domain/mail';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** The Content-ID without angle brackets, for `cid:` links in the HTML. */
  contentId?: string;
  /** Set for attachments that must not be opened or forwarded without care. */
  risk?: 'archive' | 'executable';
}

export interface InboundBounce {
  /** The Message-ID of the mail that bounced (normalised), from the returned message or its headers. */
  originalMessageId?: string;
  /** Lower-cased addresses that failed. */
  recipients: string[];
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  status?: string;
  /** The remote server's answer, diagnostic type removed. */
  diagnostic?: string;
}

export interface InboundMail {
  /** Normalised (no angle brackets). */
  messageId?: string;
  /** Address lower-cased. */
  from?: { address: string; name?: string };
  /** Lower-cased addresses. */
  to: string[];
  cc: string[];
  replyTo?: string;
  /** '' when absent; decoded, whitespace collapsed, at most 998 characters. */
  subject: string;
  /** The plain text (HTML-only mail rendered as text), at most 200 000 characters. */
  text: string;
  html?: string;
  inReplyTo: string[];
  references: string[];
  /** ISO 8601, when the Date header could be read. */
  date?: string;
  /** Lower-cased name → every value, raw (not decoded), unfolded. */
  headers: MailHeaders;
  attachments: InboundAttachment[];
  classification: { kind: MailClass; reasons: string[] };
  /** For bounces (`classification.kind === 'bounce'`). */
  bounce?: InboundBounce;
  /** What could not be read, human-readable. Empty for a well-formed message. */
  problems: string[];
}

export const MAIL_TEXT_MAX = 200_000;
export const MAIL_SUBJECT_MAX = 998;
const PARSE_TIMEOUT_MS = 15_000;
// html-to-text is the slow part of mailparser; past this size the HTML is rendered crudely instead.
const HTML_TO_TEXT_MAX = 1_000_000;
const HEAD_MAX_BYTES = 1024 * 1024;
const PROBLEMS_MAX = 40;
const SINGLE_HEADERS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id'];
const DISPLAY = (name: string) =>
  name === 'message-id'
    ? 'Message-ID'
    : name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

class Problems {
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

const quote = (s: string, max = 60) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Cut to `max` UTF-16 units without splitting a surrogate pair. */
function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

// ---------------------------------------------------------------------------------------------
// The header block, read by hand: the same answer whether mailparser succeeds or not.

interface Head {
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

function parseHeaderLines(text: string, problems: Problems | undefined): Map<string, string[]> {
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

function toHead(map: Map<string, string[]>, bodyOffset: number): Head {
  return {
    headers: Object.fromEntries(map),
    first: (name) => map.get(name)?.[0],
    all: (name) => map.get(name) ?? [],
    bodyOffset,
  };
}

function readHead(bytes: Buffer, problems?: Problems): Head {
  const { end, bodyOffset } = headEnd(bytes);
  if (end >= HEAD_MAX_BYTES)
    problems?.add(`header block larger than ${HEAD_MAX_BYTES} bytes, not read past that`);
  const map = parseHeaderLines(headerText(bytes.subarray(0, end)), problems);
  return toHead(map, bodyOffset);
}

// ---------------------------------------------------------------------------------------------
// Charsets and MIME structure, from the raw bytes (mailparser decodes unknown charsets as UTF-8 silently).

const charsetKnown = new Map<string, boolean>();

function isKnownCharset(label: string): boolean {
  const name = label.toLowerCase();
  const cached = charsetKnown.get(name);
  if (cached !== undefined) return cached;
  let known = /^(cp|ibm)\d{3,5}$/.test(name) || /^iso-?8859-\d{1,2}$/.test(name);
  if (!known && !/^utf-?7$/.test(name)) {
    try {
      new TextDecoder(name);
      known = true;
    } catch {
      known = false;
    }
  }
  if (charsetKnown.size < 256) charsetKnown.set(name, known);
  return known;
}

const charsetLabel = (raw: string) =>
  raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '');

interface MimeScan {
  readonly unknownCharsets: Set<string>;
  readonly unterminated: string[];
}

/** One pass over the lines: every part's Content-Type charset, and every multipart left unclosed. */
function scanMime(bytes: Buffer, top: Head): MimeScan {
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
    return (
      ['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers'].includes(
        ct.type,
      ) && !opaque
    );
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

// ---------------------------------------------------------------------------------------------
// Text helpers

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

/** A crude but linear HTML → text, for when html-to-text is not used (too large) or not reachable. */
function crudeHtmlToText(html: string): string {
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

function decoderFor(charset: string): TextDecoder {
  try {
    return new TextDecoder(charsetLabel(charset) || 'utf-8');
  } catch {
    return new TextDecoder('utf-8');
  }
}

function qpDecode(s: string, underscoreIsSpace: boolean): Buffer {
  const src = underscoreIsSpace ? s.replace(/_/g, ' ') : s.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    const hex = src.slice(i + 1, i + 3);
    if (c === 0x3d && /^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Buffer.from(out);
}

/** RFC 2047 encoded words, for the fallback path (mailparser does this when it can run). */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (m, cs: string, enc: string, data: string) => {
      try {
        const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpDecode(data, true);
        return decoderFor(cs).decode(bytes);
      } catch {
        return m;
      }
    });
}

/** C0 controls and DEL replaced (a loop, not a regex: a regex of control characters reads as a mistake). */
function withoutControls(s: string, replacement: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? replacement : ch;
  }
  return out;
}

function cleanSubject(raw: string): string {
  return cap(withoutControls(raw, ' ').replace(/\s+/g, ' ').trim(), MAIL_SUBJECT_MAX);
}

function subjectProblems(subject: string, problems: Problems): void {
  if (/=\?[^?\s]*\?[^?\s]*\?/.test(subject))
    problems.add('Subject has an encoded-word that could not be decoded');
  if (subject.includes('\ufffd')) problems.add('Subject has bytes that are not valid in its charset');
}

function readDate(raw: string | undefined, problems: Problems): string | undefined {
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

// ---------------------------------------------------------------------------------------------
// Addresses

function mailboxes(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const flat: EmailAddress[] = [];
  const visit = (a: EmailAddress) => {
    if (Array.isArray(a?.group)) a.group.forEach(visit);
    else if (a) flat.push(a);
  };
  for (const o of objects) if (Array.isArray(o?.value)) for (const a of o.value) visit(a);
  return flat;
}

const isAddress = (a: string | undefined): a is string =>
  typeof a === 'string' && /^[^\s@<>]+@[^\s@<>]+$/.test(a.trim());

function addressList(value: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  for (const m of mailboxes(value)) {
    const a = m.address?.trim().toLowerCase();
    if (isAddress(a) && !out.includes(a)) out.push(a);
  }
  return out;
}

/** Addresses in a raw header value, for the fallback path. */
function rawAddresses(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of raw) {
    for (const m of v.matchAll(/[^\s<>"(),;:]+@[^\s<>"(),;:]+/g)) {
      const a = m[0].toLowerCase();
      if (!out.includes(a)) out.push(a);
    }
  }
  return out;
}

function rawFrom(raw: string | undefined): InboundMail['from'] {
  if (raw === undefined) return undefined;
  const address = rawAddresses([raw])[0];
  if (!address) return undefined;
  const name = decodeWords(raw.replace(/<[^<>]*>/, '').replace(/[^\s<>"(),;:]+@[^\s<>"(),;:]+/, ''))
    .replace(/^[\s"]+|[\s"]+$/g, '')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  return name ? { address, name } : { address };
}

// ---------------------------------------------------------------------------------------------
// Attachments

const ARCHIVE_EXTENSIONS = new Set([
  'zip',
  'rar',
  '7z',
  'gz',
  'tgz',
  'tar',
  'jar',
  'bz2',
  'xz',
  'cab',
  'iso',
]);
const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'com',
  'bat',
  'cmd',
  'scr',
  'pif',
  'msi',
  'msp',
  'dll',
  'cpl',
  'js',
  'jse',
  'vbs',
  'vbe',
  'wsf',
  'wsh',
  'hta',
  'ps1',
  'psm1',
  'lnk',
  'reg',
]);
const ARCHIVE_TYPES = new Set([
  'application/zip',
  'application/x-zip',
  'application/x-zip-compressed',
  'application/vnd.rar',
  'application/x-rar',
  'application/x-rar-compressed',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-gtar',
  'application/java-archive',
  'application/x-bzip2',
  'application/x-xz',
  'application/vnd.ms-cab-compressed',
  'application/x-iso9660-image',
]);
const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-ms-dos-executable',
  'application/x-dosexec',
  'application/x-executable',
  'application/vnd.microsoft.portable-executable',
  'application/x-msi',
  'application/x-ms-installer',
  'application/x-ms-shortcut',
  'application/hta',
  'application/javascript',
  'application/x-javascript',
  'text/javascript',
  'application/ecmascript',
  'text/vbscript',
  'application/x-vbscript',
  'application/x-bat',
  'application/x-powershell',
]);
// Parts of a report (DSN, MDN), never user attachments.
const REPORT_PART_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/global-disposition-notification',
  'text/rfc822-headers',
  'message/global-headers',
]);
const RETURNED_MESSAGE_TYPES = new Set(['message/rfc822', 'message/global']);

/** A Windows PE image: `MZ`, and the offset at 0x3c pointing at `PE\0\0`. */
function isPortableExecutable(content: Buffer): boolean {
  if (content.length < 0x40 || content[0] !== 0x4d || content[1] !== 0x5a) return false;
  const pe = content.readUInt32LE(0x3c);
  return pe + 4 <= content.length && content.toString('latin1', pe, pe + 4) === 'PE\0\0';
}

function riskOf(filename: string, contentType: string, content: Buffer): InboundAttachment['risk'] {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(filename.trim())?.[1]?.toLowerCase() ?? '';
  if (EXECUTABLE_EXTENSIONS.has(ext) || EXECUTABLE_TYPES.has(contentType) || isPortableExecutable(content)) {
    return 'executable';
  }
  if (ARCHIVE_EXTENSIONS.has(ext) || ARCHIVE_TYPES.has(contentType)) return 'archive';
  return undefined;
}

function safeFilename(raw: string | undefined, contentType: string, index: number): string {
  const cleaned = withoutControls(raw ?? '', '')
    .split(/[\\/]/)
    .pop()
    ?.trim()
    .replace(/^\.+$/, '');
  if (cleaned) return cap(cleaned, 255);
  if (RETURNED_MESSAGE_TYPES.has(contentType)) return `message-${index}.eml`;
  const sub = /^[a-z]+\/([a-z0-9]{1,10})$/.exec(contentType)?.[1];
  return `attachment-${index}${sub && sub !== 'octet-stream' ? `.${sub}` : ''}`;
}

/** mailparser's attachment fields, as what they are on broken input (`contentType` can be `false`). */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const typeOf = (a: Attachment): string => {
  const type = str(a.contentType)?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'application/octet-stream';
};

function toAttachment(a: Attachment, index: number): InboundAttachment {
  const contentType = typeOf(a);
  const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
  const filename = safeFilename(str(a.filename), contentType, index);
  const risk = riskOf(filename, contentType, content);
  return {
    filename,
    contentType,
    size: content.length,
    content,
    ...(str(a.cid) ? { contentId: str(a.cid) } : {}),
    ...(risk ? { risk } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Bounces

function dsnFields(block: string): Map<string, string> {
  const map = parseHeaderLines(block, undefined);
  return new Map([...map].map(([k, v]) => [k, (v[0] ?? '').replace(/\s+/g, ' ').trim()]));
}

const afterType = (v: string) => (v.includes(';') ? v.slice(v.indexOf(';') + 1) : v).trim();

function readBounce(head: Head, attachments: readonly Attachment[], text: string): InboundBounce {
  const recipients: string[] = [];
  const addRecipient = (raw: string) => {
    const a = afterType(raw).replace(/^<|>$/g, '').trim().toLowerCase();
    if (a && !recipients.includes(a)) recipients.push(a);
  };
  let status: string | undefined;
  let diagnostic: string | undefined;
  let originalMessageId: string | undefined;

  for (const part of attachments) {
    const type = typeOf(part);
    const content = Buffer.isBuffer(part.content) ? part.content : Buffer.alloc(0);
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      const [perMessage = '', ...perRecipient] = content.toString('utf8').split(/\r?\n[ \t]*\r?\n/);
      const messageFields = dsnFields(perMessage);
      const xOriginal = messageFields.get('x-original-message-id');
      if (xOriginal && !originalMessageId) originalMessageId = messageIdList(xOriginal)[0];
      for (const block of perRecipient) {
        const f = dsnFields(block);
        const recipient = f.get('final-recipient') ?? f.get('original-recipient');
        if (recipient) addRecipient(recipient);
        const action = (f.get('action') ?? '').toLowerCase();
        const failed = action === '' || action === 'failed';
        const code = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(f.get('status') ?? '')?.[0];
        if (status === undefined && code && failed) status = code;
        const diag = f.get('diagnostic-code');
        if (diagnostic === undefined && diag && failed) diagnostic = afterType(diag);
      }
    } else if (
      RETURNED_MESSAGE_TYPES.has(type) ||
      type === 'text/rfc822-headers' ||
      type === 'message/global-headers'
    ) {
      const returned = normaliseMessageId(readHead(content).first('message-id') ?? '');
      if (returned) originalMessageId = returned;
    }
  }
  for (const v of head.all('x-failed-recipients'))
    for (const a of v.split(',')) if (a.trim()) addRecipient(a);
  if (!originalMessageId) {
    // Bounces without a DSN part (qmail, some appliances) quote the original headers in the text.
    const quoted = /^\s*Message-ID:\s*(<[^<>\s]+>)/im.exec(text)?.[1];
    originalMessageId = (quoted && normaliseMessageId(quoted)) || messageIdList(head.all('in-reply-to'))[0];
  }
  return {
    ...(originalMessageId ? { originalMessageId } : {}),
    recipients,
    ...(status ? { status } : {}),
    ...(diagnostic ? { diagnostic: cap(diagnostic, 1000) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Putting it together

const PARSER_OPTIONS = {
  keepDeliveryStatus: true, // DSN parts as attachments, so the bounce can be read from them
  ignoreEmbedded: true, // attached messages stay attachments (a bounce's returned mail, a forwarded .eml)
  skipTextToHtml: true,
  skipTextLinks: true,
  keepCidLinks: true, // no data: URLs inlined into the HTML
  checksumAlgo: false as const,
  maxHtmlLengthToParse: HTML_TO_TEXT_MAX,
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function capBody(kind: 'text' | 'HTML', value: string, problems: Problems): string {
  if (value.length <= MAIL_TEXT_MAX) return value;
  problems.add(`${kind} body truncated to ${MAIL_TEXT_MAX} characters (was ${value.length})`);
  return cap(value, MAIL_TEXT_MAX);
}

interface Common {
  readonly head: Head;
  readonly problems: Problems;
}

function commonFields({ head, problems }: Common) {
  for (const name of SINGLE_HEADERS) {
    if (head.all(name).length > 1) problems.add(`duplicate ${DISPLAY(name)} header (the first one is used)`);
  }
  const rawId = head.first('message-id');
  const messageId = rawId === undefined ? undefined : normaliseMessageId(rawId);
  if (rawId === undefined) problems.add('no Message-ID header');
  else if (messageId === undefined) problems.add(`unreadable Message-ID: ${quote(rawId)}`);
  const date = readDate(head.first('date'), problems);
  return {
    ...(messageId ? { messageId } : {}),
    inReplyTo: messageIdList(head.all('in-reply-to')),
    references: messageIdList(head.all('references')),
    ...(date ? { date } : {}),
  };
}

function finish(
  mail: Omit<InboundMail, 'classification' | 'bounce' | 'problems' | 'headers'>,
  { head, problems }: Common,
  attachmentsForBounce: readonly Attachment[],
): InboundMail {
  if (!head.first('from')) problems.add('no From header');
  else if (!mail.from)
    problems.add(`From header has no readable address: ${quote(head.first('from') ?? '')}`);
  const classification = classifyMail({
    headers: head.headers,
    ...(mail.from ? { from: mail.from.address } : {}),
  });
  const bounce =
    classification.kind === 'bounce' ? readBounce(head, attachmentsForBounce, mail.text) : undefined;
  return {
    ...mail,
    headers: head.headers,
    classification,
    ...(bounce ? { bounce } : {}),
    problems: problems.toArray(),
  };
}

function fromParsed(parsed: ParsedMail, bytes: Buffer, common: Common): InboundMail {
  const { head, problems } = common;
  const scan = scanMime(bytes, head);
  for (const cs of scan.unknownCharsets) problems.add(`unknown charset ${quote(cs)} (read as UTF-8)`);
  for (const b of scan.unterminated)
    problems.add(`multipart body not terminated (no closing boundary ${quote(b)})`);

  const subjectRaw =
    typeof parsed.subject === 'string' ? parsed.subject : decodeWords(head.first('subject') ?? '');
  const subject = cleanSubject(subjectRaw);
  subjectProblems(subject, problems);

  const fromBox = mailboxes(parsed.from).find((m) => isAddress(m.address));
  const fromName = str(fromBox?.name)?.trim();
  const from = fromBox?.address
    ? { address: fromBox.address.trim().toLowerCase(), ...(fromName ? { name: fromName } : {}) }
    : undefined;
  const replyTo = addressList(parsed.replyTo)[0];

  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  let text = typeof parsed.text === 'string' ? parsed.text : '';
  if (parsed.textConversionError) {
    problems.add(
      `HTML could not be rendered as text (${describe(parsed.textConversionError)}); a plain rendering is used`,
    );
    if (html !== undefined && text.trim() === '') text = crudeHtmlToText(html);
  } else if (text === '' && html !== undefined) {
    text = crudeHtmlToText(html);
  }

  const rootType = parseContentType(head.first('content-type') ?? 'text/plain').type;
  const isReport = rootType === 'multipart/report';
  const all = Array.isArray(parsed.attachments) ? parsed.attachments : [];
  const attachments = all
    .filter((a) => {
      const type = typeOf(a);
      return !REPORT_PART_TYPES.has(type) && !(isReport && RETURNED_MESSAGE_TYPES.has(type));
    })
    .map((a, i) => toAttachment(a, i + 1));

  return finish(
    {
      ...commonFields(common),
      ...(from ? { from } : {}),
      to: addressList(parsed.to),
      cc: addressList(parsed.cc),
      ...(replyTo ? { replyTo } : {}),
      subject,
      text: capBody('text', text, problems),
      ...(html !== undefined ? { html: capBody('HTML', html, problems) } : {}),
      attachments,
    },
    common,
    all,
  );
}

/** What can be read without mailparser: the headers by hand, a single-part body decoded, no attachments. */
function fallback(bytes: Buffer, common: Common): InboundMail {
  const { head, problems } = common;
  const subject = cleanSubject(decodeWords(head.first('subject') ?? ''));
  subjectProblems(subject, problems);
  const ct = parseContentType(head.first('content-type') ?? 'text/plain');
  const body = bytes.subarray(Math.min(head.bodyOffset, bytes.length), head.bodyOffset + 4 * MAIL_TEXT_MAX);
  const encoding = (head.first('content-transfer-encoding') ?? '').trim().toLowerCase();
  let decoded: Buffer = body;
  if (!ct.type.startsWith('multipart/')) {
    if (encoding === 'base64') decoded = Buffer.from(body.toString('latin1'), 'base64');
    else if (encoding === 'quoted-printable') decoded = qpDecode(body.toString('latin1'), false);
  }
  const bodyText = decoderFor(ct.params.get('charset') ?? 'utf-8')
    .decode(decoded)
    .replace(/\r\n?/g, '\n');
  const isHtml = ct.type === 'text/html';
  const from = rawFrom(head.first('from'));
  const replyTo = rawAddresses(head.all('reply-to'))[0];
  return finish(
    {
      ...commonFields(common),
      ...(from ? { from } : {}),
      to: rawAddresses(head.all('to')),
      cc: rawAddresses(head.all('cc')),
      ...(replyTo ? { replyTo } : {}),
      subject,
      text: capBody('text', isHtml ? crudeHtmlToText(bodyText) : bodyText, problems),
      ...(isHtml ? { html: capBody('HTML', bodyText, problems) } : {}),
      attachments: [],
    },
    common,
    [],
  );
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  return true;
}

function lastResort(problems: Problems): InboundMail {
  return {
    to: [],
    cc: [],
    subject: '',
    text: '',
    inReplyTo: [],
    references: [],
    headers: {},
    attachments: [],
    classification: { kind: 'human', reasons: [] },
    problems: problems.toArray(),
  };
}

/**
 * Reads one raw message (as received: SES's S3 object, the local SMTP server's spool file). Never
 * throws and never waits on a stuck parser for more than a few seconds: whatever cannot be read is
 * named in `problems`, and a message mailparser refuses is read by a simpler fallback.
 */
export async function parseMail(raw: Buffer): Promise<InboundMail> {
  const problems = new Problems();
  try {
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw ?? '');
    const head = readHead(bytes, problems);
    const common = { head, problems };
    if (isBlank(bytes)) {
      problems.add('empty message');
      return fallback(bytes, common);
    }
    if (Object.keys(head.headers).length === 0 && bytes[0] !== 0x0a && bytes[0] !== 0x0d) {
      // Not a single readable header: this is not a message's head, so keep all of it as text.
      problems.add('no header block: the whole message is read as text');
      return fallback(bytes, { head: toHead(new Map(), 0), problems });
    }
    let parsed: ParsedMail | undefined;
    try {
      parsed = await withTimeout(simpleParser(bytes, PARSER_OPTIONS), PARSE_TIMEOUT_MS);
    } catch (err) {
      problems.add(`parse failure: ${describe(err)}; headers and body read without MIME decoding`);
    }
    if (parsed) {
      try {
        return fromParsed(parsed, bytes, common);
      } catch (err) {
        problems.add(`parse failure: ${describe(err)}; headers and body read without MIME decoding`);
      }
    }
    return fallback(bytes, common);
  } catch (err) {
    problems.add(`parse failure: ${describe(err)}`);
    return lastResort(problems);
  }
}
