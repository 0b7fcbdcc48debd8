import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { describe, expect, it } from 'vitest';
import { type InboundMail, MAIL_TEXT_MAX, parseMail } from '../../shared/adapters/mail-parser';
import { type MailClass, parseFieldLines, stripQuotedReply } from '../../shared/domain';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');

interface CorpusEntry {
  file: string;
  kind: MailClass;
  expect: {
    subjectContains?: string;
    fromAddress?: string;
    messageId?: string;
    bounceOriginalMessageId?: string;
    attachments?: Array<{ filename: string; risk?: 'archive' | 'executable' }>;
    textContains?: string;
  };
}

const corpus = JSON.parse(readFileSync(join(DIR, 'corpus.json'), 'utf8')) as CorpusEntry[];
const raw = (file: string) => readFileSync(join(DIR, file));
const parsed = new Map<string, Promise<InboundMail>>();
const parseFixture = (file: string) => {
  let p = parsed.get(file);
  if (!p) {
    p = parseMail(raw(file));
    parsed.set(file, p);
  }
  return p;
};

async function compose(options: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'Dana <dana@example.net>', to: 'support@example.com', ...options })
    .compile()
    .build();
}

/** Every result, however broken the input, keeps the documented shape and limits. */
function expectWellFormed(mail: InboundMail) {
  expect(typeof mail.subject).toBe('string');
  expect(mail.subject.length).toBeLessThanOrEqual(998);
  expect(typeof mail.text).toBe('string');
  expect(mail.text.length).toBeLessThanOrEqual(MAIL_TEXT_MAX);
  if (mail.html !== undefined) expect(mail.html.length).toBeLessThanOrEqual(MAIL_TEXT_MAX);
  for (const list of [mail.to, mail.cc, mail.inReplyTo, mail.references, mail.problems]) {
    expect(Array.isArray(list)).toBe(true);
  }
  expect(['human', 'auto_reply', 'list', 'bounce']).toContain(mail.classification.kind);
  for (const a of mail.attachments) {
    expect(Buffer.isBuffer(a.content)).toBe(true);
    expect(a.size).toBe(a.content.length);
    expect(a.filename.length).toBeGreaterThan(0);
  }
  expect(JSON.stringify({ ...mail, attachments: [] })).toBeTypeOf('string');
}

describe('the mail corpus', () => {
  it('has an entry for every .eml file and at least 18 messages', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThanOrEqual(18);
    expect(corpus.map((c) => c.file).sort()).toEqual(files.sort());
  });

  it('holds messages as MTAs emit them: CRLF lines, 7-bit, headers then a blank line', () => {
    for (const { file } of corpus) {
      const bytes = raw(file);
      const text = bytes.toString('latin1');
      expect(text.replace(/\r\n/g, '').includes('\n'), `${file} has a bare LF`).toBe(false);
      expect(
        bytes.every((b) => b < 0x80),
        `${file} is 7-bit`,
      ).toBe(true);
      expect(/^[\x21-\x39\x3b-\x7e]+:/.test(text), `${file} starts with a header`).toBe(true);
      expect(text.includes('\r\n\r\n'), `${file} has a body`).toBe(true);
      expect(Math.max(...text.split('\r\n').map((l) => l.length)), `${file} line length`).toBeLessThanOrEqual(
        998,
      );
    }
  });

  it.each(corpus.map((c) => [c.file, c] as const))('reads %s as corpus.json says', async (file, entry) => {
    const mail = await parseFixture(file);
    expectWellFormed(mail);
    expect(mail.classification.kind).toBe(entry.kind);
    if (entry.kind !== 'human') expect(mail.classification.reasons.length).toBeGreaterThan(0);
    const e = entry.expect;
    if (e.subjectContains !== undefined) expect(mail.subject).toContain(e.subjectContains);
    if (e.fromAddress !== undefined) expect(mail.from?.address).toBe(e.fromAddress);
    if (e.messageId !== undefined) expect(mail.messageId).toBe(e.messageId);
    if (e.bounceOriginalMessageId !== undefined)
      expect(mail.bounce?.originalMessageId).toBe(e.bounceOriginalMessageId);
    if (e.textContains !== undefined) expect(mail.text).toContain(e.textContains);
    if (e.attachments !== undefined) {
      expect(
        mail.attachments.map((a) => ({ filename: a.filename, ...(a.risk ? { risk: a.risk } : {}) })),
      ).toEqual(e.attachments);
    }
  });
});

describe('reading real-world mail', () => {
  it('reports no problems for well-formed messages', async () => {
    const troubled = new Set([
      'malformed-headers.eml',
      'no-message-id.eml',
      'truncated-mime.eml',
      'unknown-charset.eml',
    ]);
    for (const { file } of corpus.filter((c) => !troubled.has(c.file))) {
      expect((await parseFixture(file)).problems, file).toEqual([]);
    }
  });

  it('keeps headers lower-cased, unfolded and raw, with every value of a repeated header', async () => {
    const apple = await parseFixture('apple-mail-reply.eml');
    expect(apple.headers['content-type']).toEqual(['text/plain;\tcharset=utf-8']);
    expect(apple.headers.references).toEqual([
      '<ticket-01JNCX4Q8M2Z3V6T9W5R7Y1K0B@frontdoor.test> <ack-42@frontdoor.test>',
    ]);
    expect(apple.headers['mime-version']).toEqual(['1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))']);
    const gmail = await parseFixture('gmail-human.eml');
    expect(gmail.headers.received).toHaveLength(2);
    expect(gmail.headers['x-received']).toHaveLength(2);
    const win = await parseFixture('windows-1252-qp.eml');
    expect(win.headers.subject).toEqual(['=?Windows-1252?Q?Can=92t_export_the_=93Q1_summary=94_report?=']);
  });

  it('reads the thread: Message-ID, In-Reply-To and References, normalised', async () => {
    const apple = await parseFixture('apple-mail-reply.eml');
    expect(apple.inReplyTo).toEqual(['ack-42@frontdoor.test']);
    expect(apple.references).toEqual([
      'ticket-01JNCX4Q8M2Z3V6T9W5R7Y1K0B@frontdoor.test',
      'ack-42@frontdoor.test',
    ]);
    expect(apple.cc).toEqual(['priya.raman@okafor-design.example']);
    expect(apple.date).toBe('2025-03-04T14:03:27.000Z');
  });

  it('decodes ISO-2022-JP, windows-1252 and KOI8-R in subjects, names and bodies', async () => {
    const jp = await parseFixture('iso-2022-jp.eml');
    expect(jp.from).toEqual({ address: 'k.sato@sakura-trading.example', name: '佐藤 健一' });
    const win = await parseFixture('windows-1252-qp.eml');
    expect(win.from?.name).toBe('Murphy, Gráinne');
    expect(win.text).toContain('€120 for the reporting add-on – so we’d like it fixed');
    const ru = await parseFixture('koi8-r-base64.eml');
    expect(ru.from?.name).toBe('Иван Петров');
    expect(ru.replyTo).toBe('i.petrov@severstal-logistika.example');
  });

  it('renders HTML-only mail as readable text and keeps the HTML', async () => {
    const mail = await parseFixture('html-only.eml');
    expect(mail.text).toContain('Could you confirm the names of the people attending by Friday?');
    expect(mail.text).not.toContain('<table');
    expect(mail.html).toContain('<table role="presentation"');
  });

  it('names what it could not read in a malformed message, and still reads the rest', async () => {
    const mail = await parseFixture('malformed-headers.eml');
    expect(mail.from).toBeUndefined();
    expect(mail.subject).toBe('Nightly export failed =?utf-8?X?broken?= =?UTF-8?Q?job_7781');
    expect(mail.headers.subject).toHaveLength(2);
    expect(mail.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no From header'),
        expect.stringContaining('duplicate Subject header'),
        expect.stringContaining('encoded-word that could not be decoded'),
        expect.stringContaining('malformed header line'),
      ]),
    );
  });

  it('keeps going through an unknown charset and says so', async () => {
    const mail = await parseFixture('unknown-charset.eml');
    expect(mail.problems).toEqual(['unknown charset "x-klingon" (read as UTF-8)']);
  });

  it('notes a missing Message-ID and an unterminated multipart, keeping the partial attachment', async () => {
    expect((await parseFixture('no-message-id.eml')).problems).toEqual(['no Message-ID header']);
    const truncated = await parseFixture('truncated-mime.eml');
    expect(truncated.problems).toEqual([expect.stringContaining('multipart body not terminated')]);
    expect(truncated.attachments[0]?.contentType).toBe('image/png');
    expect(truncated.attachments[0]?.size).toBeGreaterThan(0);
  });

  it('gives the domain the new part of real replies, and their field lines', async () => {
    const apple = await parseFixture('apple-mail-reply.eml');
    expect(stripQuotedReply(apple.text)).toBe(
      'Still no luck — same error after resetting the password.\n\nEnvironment: Safari 18.3 on macOS 15.3\n' +
        'Steps: open the dashboard, sign in, get “Session expired” straight away\n\nMichael',
    );
    const outlook = await parseFixture('outlook-reply.eml');
    expect(stripQuotedReply(outlook.text)).not.toContain('We need a little more information');
    expect(
      parseFieldLines(outlook.text, [
        { name: 'system', label: 'System' },
        { name: 'riskLevel', label: 'Risk level' },
      ]),
    ).toEqual({ system: 'Grafana', riskLevel: 'low' });
  });

  it('reads the contact form Reply-To', async () => {
    expect((await parseFixture('no-message-id.eml')).replyTo).toBe('olivia.hart@gmail.com');
  });
});

describe('reading bounces', () => {
  it('reads a Postfix DSN: recipient, status, diagnostic and the returned Message-ID', async () => {
    const mail = await parseFixture('postfix-dsn.eml');
    expect(mail.bounce).toEqual({
      originalMessageId: 'ack-1@frontdoor.test',
      recipients: ['j.doe@harbourview-dental.example'],
      status: '5.1.1',
      diagnostic:
        "550 5.1.1 <j.doe@harbourview-dental.example> User doesn't exist: j.doe@harbourview-dental.example",
    });
    expect(mail.classification.reasons).toEqual([
      'Content-Type: multipart/report; report-type=delivery-status',
      'Return-Path: <>',
      'From: mailer-daemon@mail.harbourview-dental.example',
    ]);
  });

  it('reads an Exchange NDR from its message/rfc822 part, which is not listed as an attachment', async () => {
    const mail = await parseFixture('exchange-ndr.eml');
    expect(mail.bounce).toMatchObject({
      originalMessageId: 'ack-9@frontdoor.test',
      recipients: ['a.kowalski@contoso.example'],
      status: '5.1.10',
    });
    expect(mail.bounce?.diagnostic).toMatch(/^550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/);
    expect(mail.attachments).toEqual([]);
  });

  it('reads a Gmail DSN with a folded diagnostic and X-Failed-Recipients', async () => {
    const mail = await parseFixture('gmail-dsn-failure.eml');
    expect(mail.bounce?.recipients).toEqual(['rosa.delgado@gmial.example']);
    expect(mail.bounce?.status).toBe('5.1.2');
    expect(mail.bounce?.diagnostic).toContain(
      'NXDOMAIN Domain name not found: gmial.example For more information',
    );
  });

  it('gives no bounce details to mail that is not a bounce, and keeps a read receipt free of report parts', async () => {
    const receipt = await parseFixture('read-receipt.eml');
    expect(receipt.bounce).toBeUndefined();
    expect(receipt.attachments).toEqual([]);
  });

  it('finds the original Message-ID in the text of a bounce that has no DSN part', async () => {
    const bytes = Buffer.from(
      [
        'Return-Path: <>',
        'From: MAILER-DAEMON@qmail.example.net',
        'To: support@example.com',
        'Subject: failure notice',
        'Message-ID: <qmail-1@qmail.example.net>',
        '',
        "Hi. This is the qmail-send program. I'm afraid I wasn't able to deliver your message.",
        '',
        '--- Below this line is a copy of the message.',
        '',
        'Message-ID: <ack-77@frontdoor.test>',
        'Subject: [FD-77] We received your request',
        '',
      ].join('\r\n'),
    );
    const mail = await parseMail(bytes);
    expect(mail.classification.kind).toBe('bounce');
    expect(mail.bounce).toEqual({ originalMessageId: 'ack-77@frontdoor.test', recipients: [] });
  });
});

describe('attachments', () => {
  it('flags archives and executables by extension, by content type and by content', async () => {
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    const mail = await parseMail(
      await compose({
        subject: 'files',
        text: 'see attached',
        attachments: [
          { filename: 'backup.tar.gz', content: Buffer.from([0x1f, 0x8b, 8, 0]) },
          { filename: 'data.7z', content: 'x', contentType: 'application/octet-stream' },
          { filename: 'notes.txt', content: 'hello' },
          { filename: 'bundle', content: 'x', contentType: 'application/x-rar-compressed' },
          { filename: 'run.ps1', content: 'Get-Item' },
          { filename: 'script', content: 'x', contentType: 'application/javascript' },
          { filename: 'report.pdf', content: pe, contentType: 'application/pdf' },
          { filename: 'Setup.MSI', content: 'x' },
        ],
      }),
    );
    expect(mail.attachments.map((a) => [a.filename, a.risk])).toEqual([
      ['backup.tar.gz', 'archive'],
      ['data.7z', 'archive'],
      ['notes.txt', undefined],
      ['bundle', 'archive'],
      ['run.ps1', 'executable'],
      ['script', 'executable'],
      ['report.pdf', 'executable'],
      ['Setup.MSI', 'executable'],
    ]);
    expect(mail.attachments[2]).toMatchObject({ contentType: 'text/plain', size: 5 });
    expect(mail.attachments[2]?.content.toString()).toBe('hello');
  });

  it('keeps the Content-ID of inline images and strips paths from file names', async () => {
    const mail = await parseMail(
      await compose({
        subject: 'screenshot',
        html: '<p>See <img src="cid:shot-1@example.net"></p>',
        attachments: [
          { filename: 'shot.png', content: Buffer.from('png'), cid: 'shot-1@example.net' },
          { filename: '../../etc/passwd', content: 'x' },
        ],
      }),
    );
    expect(mail.attachments[0]).toMatchObject({ filename: 'shot.png', contentId: 'shot-1@example.net' });
    expect(mail.attachments[1]?.filename).toBe('passwd');
    expect(mail.html).toContain('cid:shot-1@example.net');
  });
});

describe('limits and broken input', () => {
  it('caps a 5 MB body at 200 000 characters and says so', async () => {
    const mail = await parseMail(
      await compose({ subject: 'huge', text: 'a'.repeat(79).concat('\n').repeat(65_536) }),
    );
    expect(mail.text).toHaveLength(MAIL_TEXT_MAX);
    expect(mail.problems).toEqual([
      expect.stringMatching(/^text body truncated to 200000 characters \(was \d+\)$/),
    ]);
  });

  it('caps a long subject at 998 characters and collapses its whitespace', async () => {
    const mail = await parseMail(await compose({ subject: `Help \t  me ${'x'.repeat(2000)}` }));
    expect(mail.subject).toHaveLength(998);
    expect(mail.subject.startsWith('Help me x')).toBe(true);
  });

  it('answers an empty buffer with problems instead of throwing', async () => {
    const mail = await parseMail(Buffer.alloc(0));
    expectWellFormed(mail);
    expect(mail.subject).toBe('');
    expect(mail.problems).toContain('empty message');
  });

  it('answers random bytes with problems instead of throwing', async () => {
    const random = prng(7);
    const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
    const mail = await parseMail(bytes);
    expectWellFormed(mail);
    expect(mail.problems.length).toBeGreaterThan(0);
  });

  it('keeps a message without any header as text', async () => {
    const mail = await parseMail(Buffer.from('just some words\r\nand more words\r\n'));
    expect(mail.text).toContain('just some words');
    expect(mail.problems).toContain('no header block: the whole message is read as text');
  });

  it('reads what it can when mailparser refuses the message', async () => {
    // More MIME parts than mailparser allows (1000) makes it reject the whole message.
    const parts = Array.from(
      { length: 1100 },
      (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
    );
    const bytes = Buffer.from(
      [
        'From: Dana <Dana@Example.net>',
        'To: support@example.com',
        'Subject: =?UTF-8?Q?many_parts_=E2=80=94_really?=',
        'Message-ID: <many@example.net>',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        ...parts,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const mail = await parseMail(bytes);
    expect(mail.problems).toEqual([expect.stringContaining('parse failure')]);
    expect(mail).toMatchObject({
      from: { address: 'dana@example.net', name: 'Dana' },
      subject: 'many parts — really',
      messageId: 'many@example.net',
      to: ['support@example.com'],
    });
    expect(mail.text).toContain('part 1099');
  });

  it('never throws on 200 mutated corpus messages (truncated, bytes flipped)', async () => {
    const random = prng(20_251_123);
    const sources = corpus.map((c) => raw(c.file));
    for (let i = 0; i < 200; i++) {
      const source = sources[i % sources.length] ?? Buffer.alloc(0);
      const bytes = Buffer.from(source.subarray(0, Math.floor(random() * (source.length + 1))));
      const flips = Math.floor(random() * 20);
      for (let f = 0; f < flips && bytes.length > 0; f++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const mail = await parseMail(bytes);
      expectWellFormed(mail);
    }
  });
});

/** mulberry32: a small seeded PRNG, so a failing fuzz case is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
