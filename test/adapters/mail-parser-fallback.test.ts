import { describe, expect, it } from 'vitest';
import { fallback } from '../../shared/adapters/mail-parser/fallback';
import { Problems, readHead } from '../../shared/adapters/mail-parser/head';

/** The fallback alone: what is read of a message mailparser refused (parseMail reaches it only then). */
function readWithoutMailparser(lines: string[], body: Buffer | string): ReturnType<typeof fallback> {
  const bytes = Buffer.concat([Buffer.from([...lines, '', ''].join('\r\n')), Buffer.from(body)]);
  const problems = new Problems();
  return fallback(bytes, { head: readHead(bytes, problems), problems });
}

describe('the fallback reader', () => {
  it('decodes a quoted-printable windows-1252 body, an encoded-word subject and the sender name', () => {
    const mail = readWithoutMailparser(
      [
        'From: =?utf-8?Q?Gr=C3=A1inne?= Murphy <G.Murphy@Example.net>',
        'To: support@example.com, "Ops" <ops@example.com>',
        'Subject: =?windows-1252?Q?Can=92t_go?=',
        'Message-ID: <fb-1@example.net>',
        'Content-Type: text/plain; charset="windows-1252"',
        'Content-Transfer-Encoding: quoted-printable',
      ],
      'Caf=E9 costs =80 5, soft=\r\nbreak\r\n',
    );
    expect(mail).toMatchObject({
      from: { address: 'g.murphy@example.net', name: 'Gráinne Murphy' },
      to: ['support@example.com', 'ops@example.com'],
      subject: 'Can’t go',
      messageId: 'fb-1@example.net',
      text: 'Café costs € 5, softbreak\n',
      problems: [],
    });
  });

  it('decodes a base64 KOI8-R body and renders a single HTML part as text', () => {
    const koi8 = readWithoutMailparser(
      [
        'From: a@example.net',
        'Content-Type: text/plain; charset=koi8-r',
        'Content-Transfer-Encoding: base64',
      ],
      Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]).toString('base64'),
    );
    expect(koi8.text).toBe('Привет');
    const html = readWithoutMailparser(
      ['From: a@example.net', 'Content-Type: text/html; charset=utf-8'],
      '<p>Hi &amp; bye<br>next</p><style>p{}</style>',
    );
    expect(html.text).toBe('Hi & bye\nnext');
    expect(html.html).toBe('<p>Hi &amp; bye<br>next</p><style>p{}</style>');
  });
});
