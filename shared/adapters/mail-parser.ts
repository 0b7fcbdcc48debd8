// Raw inbound MIME → one plain object the email use case can trust. mailparser does the hard parts
// (charsets, transfer encodings, RFC 2047/2231, HTML as text); the modules in ./mail-parser/ add the
// rest: the header block read by hand (head), what mailparser reads silently wrong (mime-scan), bounce
// details (bounce), attachment risk (attachments), limits (text), and a fallback for what mailparser
// refuses (fallback), so that no message — however broken — is lost: parseMail never throws and always
// answers, with `problems` saying what could not be read.
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from 'mailparser';
import { parseContentType } from '../domain/mail';
import { type Common, commonFields, finish } from './mail-parser/assemble';
import { RETURNED_MESSAGE_TYPES, str, toAttachment, typeOf } from './mail-parser/attachments';
import { REPORT_PART_TYPES } from './mail-parser/bounce';
import { fallback } from './mail-parser/fallback';
import { describe, Problems, quote, readHead, toHead } from './mail-parser/head';
import type { InboundMail } from './mail-parser/inbound-mail';
import { scanMime } from './mail-parser/mime-scan';
import { capBody, cleanSubject, decodeWords, linearHtmlToText, subjectProblems } from './mail-parser/text';

export type { InboundAttachment, InboundBounce, InboundMail } from './mail-parser/inbound-mail';
export { MAIL_SUBJECT_MAX, MAIL_TEXT_MAX } from './mail-parser/inbound-mail';

const PARSE_TIMEOUT_MS = 15_000;
// html-to-text is the slow part of mailparser; past this size the HTML is rendered crudely instead.
const HTML_TO_TEXT_MAX = 1_000_000;

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

// ---------------------------------------------------------------------------------------------
// Addresses, as mailparser gives them (groups flattened, anything that is not an address dropped)

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

// ---------------------------------------------------------------------------------------------
// Putting it together

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
    if (html !== undefined && text.trim() === '') text = linearHtmlToText(html);
  } else if (text === '' && html !== undefined) {
    text = linearHtmlToText(html);
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
