import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Redaction, redactValue } from '../../shared/domain/privacy-erasure';

/** One mail Frontdoor sent, as `GET /local/outbox` answers it (DESIGN.md "Local runtime"). */
export interface OutboxMail {
  readonly to: string[];
  readonly from: string;
  readonly subject: string;
  /** Without angle brackets, exactly as replies will name it in In-Reply-To. */
  readonly messageId: string;
  readonly inReplyTo: string | null;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly html: string | null;
  readonly sentAt: string;
}

interface SendEmailInput {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: {
    Simple?: {
      Subject?: { Data?: string };
      Body?: { Text?: { Data?: string }; Html?: { Data?: string } };
      Headers?: Array<{ Name?: string; Value?: string }>;
    };
    Raw?: unknown;
  };
}

/**
 * SES v2 `SendEmail` for the local runtime (`/local/ses/v2/email/outbound-emails`, reached by the
 * functions' signed SendEmail calls, shared/adapters/mailer.ts, via AWS_ENDPOINT_URL_SESV2). Every mail is kept in `<DATA_DIR>/outbox.jsonl`, so the
 * captured mail survives restarts, and is readable as JSON and in a browser.
 */
export class LocalOutbox {
  constructor(
    private readonly file: string,
    private readonly region: string,
    /** The workflow clock (ms since the epoch): `sentAt` is stamped with it, like the mail's ticket entries. */
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  send(input: SendEmailInput): { MessageId: string } | { error: string } {
    const simple = input.Content?.Simple;
    if (!simple) return { error: 'only Simple content is supported locally (Raw sends are not captured)' };
    const to = [...(input.Destination?.ToAddresses ?? []), ...(input.Destination?.CcAddresses ?? [])];
    if (!input.FromEmailAddress || to.length === 0)
      return { error: 'FromEmailAddress and a destination are required' };
    // SES's own shape: `<SES message id>@<region>.amazonses.com` becomes the mail's Message-ID.
    const sesId = `0100${Date.now().toString(16)}-${randomUUID()}-000000`;
    const messageId = `${sesId}@${this.region}.amazonses.com`;
    const headers: Record<string, string> = {};
    for (const h of simple.Headers ?? []) if (h.Name) headers[h.Name] = h.Value ?? '';
    headers['Message-ID'] = `<${messageId}>`;
    const inReplyTo = (headers['In-Reply-To'] ?? '').replace(/^<|>$/g, '') || null;
    const mail: OutboxMail = {
      to,
      from: input.FromEmailAddress,
      subject: simple.Subject?.Data ?? '',
      messageId,
      inReplyTo,
      headers,
      text: simple.Body?.Text?.Data ?? '',
      html: simple.Body?.Html?.Data ?? null,
      sentAt: new Date(this.now()).toISOString(),
    };
    appendFileSync(this.file, `${JSON.stringify(mail)}\n`);
    return { MessageId: sesId };
  }

  /** Newest first. */
  list(): OutboxMail[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as OutboxMail)
      .reverse();
  }

  /**
   * Every mail with the requester's address, names and texts replaced (an erasure, issue 22); how many
   * changed. The file is replaced whole (written beside it, then renamed), so a reader never sees half.
   */
  forget(redaction: Redaction): number {
    const mails = this.list().reverse();
    let changed = 0;
    const lines = mails.map((mail) => {
      const redacted = redactValue(mail, redaction);
      if (redacted !== mail) changed += 1;
      return `${JSON.stringify(redacted)}\n`;
    });
    if (changed === 0) return 0;
    writeFileSync(`${this.file}.tmp`, lines.join(''));
    renameSync(`${this.file}.tmp`, this.file);
    return changed;
  }

  html(): string {
    const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const rows = this.list()
      .map(
        (m) => `<article><h2>${esc(m.subject)}</h2>
<p><strong>To</strong> ${esc(m.to.join(', '))} · <strong>From</strong> ${esc(m.from)} · <time>${esc(m.sentAt)}</time></p>
<details><summary>Headers</summary><pre>${esc(
          Object.entries(m.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        )}</pre></details>
<pre>${esc(m.text)}</pre></article>`,
      )
      .join('\n');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frontdoor outbox</title>
<meta http-equiv="refresh" content="5"><style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
article{border-top:1px solid #ccc;padding:.5rem 0}pre{white-space:pre-wrap;background:#f5f5f5;padding:.75rem}</style></head>
<body><h1>Outbox (local)</h1><p>Every mail Frontdoor sent, newest first. JSON: <a href="/local/outbox">/local/outbox</a>.</p>
${rows || '<p>No mail sent yet.</p>'}</body></html>`;
  }
}
