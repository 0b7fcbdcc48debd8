import { randomBytes } from 'node:crypto';
import type { SESEvent } from 'aws-lambda';
import { SMTPServer } from 'smtp-server';
import { INBOUND_MAIL_PREFIX } from '../../shared/topology';
import type { LocalObjectStore } from './object-store';

/** SES refuses messages over 40 MB; so do we. */
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface LocalSmtp {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The local stand-in for SES inbound: an SMTP server that accepts mail to the support address only,
 * stores the raw MIME where the receipt rule's S3 action would (`<bucket>/inbound/<id>`), answers 250,
 * then hands the function the same SES event it gets in AWS (asynchronously, as an Event invocation).
 */
export async function startSmtp(opts: {
  /** The interface to listen on (the runtime's HOST; 127.0.0.1 by default). */
  host?: string;
  port: number;
  supportAddress: string;
  bucket: string;
  objects: LocalObjectStore;
  deliver: (event: SESEvent) => void;
  log: (line: string) => void;
}): Promise<LocalSmtp> {
  const support = opts.supportAddress.toLowerCase();
  const server = new SMTPServer({
    name: 'frontdoor.local',
    banner: 'Frontdoor local mail intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() !== support) {
        const err = new Error(
          `550 5.1.1 <${address.address}>: this server only accepts mail for ${opts.supportAddress}`,
        );
        (err as Error & { responseCode: number }).responseCode = 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = new Error('552 5.3.4 message exceeds the 40 MB limit');
          (err as Error & { responseCode: number }).responseCode = 552;
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        // Shaped like an SES message id: lower-case letters and digits.
        const messageId = randomBytes(20).toString('hex');
        try {
          opts.objects.put(opts.bucket, `${INBOUND_MAIL_PREFIX}${messageId}`, raw, 'message/rfc822');
        } catch (e: unknown) {
          return callback(e instanceof Error ? e : new Error(String(e)));
        }
        callback(null, `Queued as ${messageId}`);
        const mailFrom = session.envelope.mailFrom;
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        opts.deliver(sesEvent(messageId, raw, mailFrom ? mailFrom.address : '', recipients));
      });
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok());
  });
  server.on('error', (e) => opts.log(`smtp: ${e.message}`));
  return {
    port: opts.port,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The event a receipt rule's Lambda action delivers (the function reads the raw mail from the bucket). */
function sesEvent(messageId: string, raw: Buffer, source: string, recipients: string[]): SESEvent {
  const headerBlock =
    raw
      .subarray(0, Math.min(raw.length, 64 * 1024))
      .toString('latin1')
      .split(/\r?\n\r?\n/)[0] ?? '';
  const headers = headerBlock
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((line) => {
      const i = line.indexOf(':');
      return i > 0 ? { name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() } : undefined;
    })
    .filter((h): h is { name: string; value: string } => h !== undefined);
  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const now = new Date().toISOString();
  const verdict = { status: 'PASS' };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now,
            source,
            messageId,
            destination: recipients,
            headersTruncated: false,
            headers,
            commonHeaders: {
              returnPath: header('return-path') ?? source,
              from: header('from') ? [header('from') ?? ''] : [],
              date: header('date') ?? now,
              to: header('to') ? [header('to') ?? ''] : recipients,
              messageId: header('message-id') ?? '',
              subject: header('subject') ?? '',
            },
          },
          receipt: {
            timestamp: now,
            processingTimeMillis: 0,
            recipients,
            spamVerdict: verdict,
            virusVerdict: verdict,
            spfVerdict: verdict,
            dkimVerdict: verdict,
            dmarcVerdict: verdict,
            dmarcPolicy: 'none',
            action: {
              type: 'Lambda',
              invocationType: 'Event',
              functionArn: 'arn:aws:lambda:local:000000000000:function:receive-email',
            },
          },
        },
      },
    ],
  } as SESEvent;
}
