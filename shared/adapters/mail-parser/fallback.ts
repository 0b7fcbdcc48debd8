// What can be read without mailparser, for a message it refuses or chokes on: the headers read by hand,
// addresses found in the raw header values, and a single-part body decoded (base64 or quoted-printable,
// then its charset, through libmime and libqp). No attachments: a multipart body is kept as raw text.
import { decode as decodeCharset } from 'libmime/lib/charset';
import { decode as decodeQuotedPrintable } from 'libqp';
import { parseContentType } from '../../domain/mail';
import { type Common, commonFields, finish } from './assemble';
import { type InboundMail, MAIL_TEXT_MAX } from './inbound-mail';
import { charsetLabel } from './mime-scan';
import { capBody, cleanSubject, decodeWords, linearHtmlToText, subjectProblems } from './text';

const ADDRESS = /[^\s<>"(),;:]+@[^\s<>"(),;:]+/;

/** Addresses in raw header values, lower-cased, each once. */
function rawAddresses(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of raw) {
    for (const m of v.matchAll(new RegExp(ADDRESS, 'g'))) {
      const a = m[0].toLowerCase();
      if (!out.includes(a)) out.push(a);
    }
  }
  return out;
}

/** The first address of a raw From, with what is left around it (decoded, unquoted) as the name. */
function rawFrom(raw: string | undefined): InboundMail['from'] {
  if (raw === undefined) return undefined;
  const address = rawAddresses([raw])[0];
  if (!address) return undefined;
  const name = decodeWords(raw.replace(/<[^<>]*>/, '').replace(ADDRESS, ''))
    .replace(/^[\s"]+|[\s"]+$/g, '')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  return name ? { address, name } : { address };
}

/** The body after the head, at most what can become MAIL_TEXT_MAX characters, decoded to text. */
function bodyText(bytes: Buffer, { head }: Common, type: string, charset: string | undefined): string {
  const body = bytes.subarray(Math.min(head.bodyOffset, bytes.length), head.bodyOffset + 4 * MAIL_TEXT_MAX);
  const encoding = (head.first('content-transfer-encoding') ?? '').trim().toLowerCase();
  let decoded: Buffer = body;
  if (!type.startsWith('multipart/')) {
    if (encoding === 'base64') decoded = Buffer.from(body.toString('latin1'), 'base64');
    else if (encoding === 'quoted-printable') decoded = decodeQuotedPrintable(body);
  }
  return decodeCharset(decoded, charsetLabel(charset ?? '') || 'utf-8').replace(/\r\n?/g, '\n');
}

export function fallback(bytes: Buffer, common: Common): InboundMail {
  const { head, problems } = common;
  const subject = cleanSubject(decodeWords(head.first('subject') ?? ''));
  subjectProblems(subject, problems);
  const ct = parseContentType(head.first('content-type') ?? 'text/plain');
  const text = bodyText(bytes, common, ct.type, ct.params.get('charset'));
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
      text: capBody('text', isHtml ? linearHtmlToText(text) : text, problems),
      ...(isHtml ? { html: capBody('HTML', text, problems) } : {}),
      attachments: [],
    },
    common,
    [],
  );
}
