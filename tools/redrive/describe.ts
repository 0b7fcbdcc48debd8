/**
 * What a dead letter was and why it failed, read from its body (and, in AWS, its message attributes) for
 * `npm run redrive -- <name> --dry-run`. The bodies are, by where they come from:
 * - an EventBridge event (work queues, rules' and bus DLQs, a function's event rules) or a scheduler
 *   wake-up (a ticket id at the top);
 * - a Lambda invocation record (async on-failure destination: `requestPayload`, `responsePayload`), or
 *   locally the SES event itself;
 * - a DynamoDB stream batch description (`DDBStreamBatchInfo`: shard and sequence numbers, not the
 *   records), or locally one record's id and sequence number.
 * Anything else is shown as "unrecognised body".
 */
type Json = Record<string, unknown>;

export function describeBody(body: string): string {
  const message = parseObject(body);
  if (!message) return body.trim().startsWith('{') ? 'unrecognised body' : 'unrecognised body (not JSON)';
  const mail = sesMail(message);
  if (mail) return mail;
  const batch = streamBatch(message);
  if (batch) return batch;
  if (typeof message.sequenceNumber === 'string')
    return `stream record ${str(message, 'eventID') ?? '?'} (sequence ${message.sequenceNumber})`;
  const detail = obj(message, 'detail') ?? {};
  const type = str(message, 'detail-type') ?? str(message, 'type');
  const ticket = str(detail, 'ticketId') ?? str(message, 'ticketId');
  const parts = [type && `event ${type}`, ticket && `ticket ${ticket}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'unrecognised body';
}

/**
 * Why it failed, when the dead letter says: EventBridge's ERROR_CODE / ERROR_MESSAGE attributes, a
 * Lambda destination's `responsePayload` error, a stream batch's condition; a queue consumer's failures
 * are in its logs, not on the message.
 */
export function failureOf(body: string, attributes: Readonly<Record<string, string | undefined>> = {}) {
  const fromAttributes = [attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');
  if (fromAttributes) return fromAttributes;
  const message = parseObject(body);
  const response = message && obj(message, 'responsePayload');
  const error = response && [str(response, 'errorType'), str(response, 'errorMessage')].filter(Boolean);
  if (error && error.length > 0) return error.join(': ');
  const context = message && obj(message, 'requestContext');
  const condition = context && str(context, 'condition');
  if (!condition) return undefined;
  const count = context.approximateInvokeCount;
  const functionError = str(obj(message, 'responseContext') ?? {}, 'functionError');
  return [
    condition,
    typeof count === 'number' && ` after ${count} invocation(s)`,
    functionError && ` (${functionError} function error)`,
  ]
    .filter(Boolean)
    .join('');
}

/** One line of a dry run. */
export function deadLetterLine(d: {
  messageId: string;
  receiveCount?: number | undefined;
  body: string;
  error: string | undefined;
  note?: string | undefined;
}): string {
  const received = d.receiveCount === undefined ? '' : `, received ${d.receiveCount}×`;
  const note = d.note ? ` (${d.note})` : '';
  return `${d.messageId}${received}: ${describeBody(d.body)} — ${d.error || 'why it failed is not recorded'}${note}`;
}

/** DynamoDB Streams keeps records 24 hours. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

/** For a stream batch description whose last record is older than the stream keeps them: says so. */
export function streamAgeNote(body: string, now: number): string | undefined {
  const info = obj(parseObject(body) ?? {}, 'DDBStreamBatchInfo');
  const last = info && str(info, 'approximateArrivalOfLastRecord');
  const written = last ? Date.parse(last) : Number.NaN;
  return now - written > STREAM_RETENTION_MS
    ? 'its records have aged out of the stream’s 24-hour retention: it cannot be redriven'
    : undefined;
}

/** The SES mail of an invocation record's `requestPayload`, or of an SES event itself. */
function sesMail(message: Json): string | undefined {
  const event = obj(message, 'requestPayload') ?? message;
  const records = event.Records;
  const ses = Array.isArray(records) ? obj((records[0] ?? {}) as Json, 'ses') : undefined;
  const mail = ses && obj(ses, 'mail');
  if (!mail) return undefined;
  const headers = obj(mail, 'commonHeaders') ?? {};
  const subject = str(headers, 'subject');
  return [
    `mail ${str(mail, 'messageId') ?? '?'}`,
    str(mail, 'source') && `from ${mail.source}`,
    subject && `"${subject}"`,
  ]
    .filter(Boolean)
    .join(' ');
}

function streamBatch(message: Json): string | undefined {
  const info = obj(message, 'DDBStreamBatchInfo');
  if (!info) return undefined;
  const size = typeof info.batchSize === 'number' ? info.batchSize : '?';
  const first = str(info, 'approximateArrivalOfFirstRecord');
  return (
    `${size} stream record(s) on ${str(info, 'shardId') ?? '?'}, sequence ` +
    `${str(info, 'startSequenceNumber') ?? '?'}…${str(info, 'endSequenceNumber') ?? '?'}` +
    (first ? `, first written ${first}` : '')
  );
}

export function parseObject(body: string): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

function obj(o: Json, key: string): Json | undefined {
  const v = o[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
