import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { OutboxMail } from '../../infra/local/outbox';

/** Sends a mail through the runtime's SMTP port with a real SMTP client (nodemailer). */
export async function sendMail(
  smtpPort: number,
  mail: {
    from: string;
    to?: string;
    subject: string;
    text?: string;
    html?: string;
    messageId?: string;
    inReplyTo?: string;
    references?: string[];
    headers?: Record<string, string>;
    attachments?: Array<{ filename: string; content: Buffer | string; contentType?: string }>;
  },
): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ to: 'support@example.com', ...mail });
    return String(info.messageId).replace(/^<|>$/g, '');
  } finally {
    transport.close();
  }
}

/** Sends raw RFC 5322 bytes as they are (the corpus), with an explicit envelope. */
export async function sendRaw(smtpPort: number, raw: Buffer, envelopeFrom: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await transport.sendMail({ envelope: { from: envelopeFrom, to: ['support@example.com'] }, raw });
  } finally {
    transport.close();
  }
}

/** Sends with Python's smtplib, a second, independent SMTP client. */
export async function sendWithPython(
  smtpPort: number,
  from: string,
  subject: string,
  body: string,
): Promise<void> {
  const script = `
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = sys.argv[2]; m["To"] = "support@example.com"; m["Subject"] = sys.argv[3]
m.set_content(sys.argv[4])
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.send_message(m)
`;
  await promisify(execFile)('python3', ['-c', script, String(smtpPort), from, subject, body]);
}

export async function drain(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/local/drain`, { method: 'POST' });
  if (!res.ok) throw new Error(`drain failed: ${res.status}`);
}

export async function outbox(baseUrl: string): Promise<OutboxMail[]> {
  return (await (await fetch(`${baseUrl}/local/outbox`)).json()) as OutboxMail[];
}
