/**
 * What a dead letter was, read from its body for `npm run redrive -- <queue> --dry-run`: queue messages are
 * EventBridge events (their `detail-type`, the ticket in `detail`) or the scheduler's wake-ups (a ticket id
 * at the top). Anything else is shown as "unrecognised body".
 */
export function describeBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'unrecognised body (not JSON)';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'unrecognised body';
  const message = parsed as Record<string, unknown>;
  const detail = (typeof message.detail === 'object' && message.detail) || {};
  const type = stringField(message, 'detail-type') ?? stringField(message, 'type');
  const ticket =
    stringField(detail as Record<string, unknown>, 'ticketId') ?? stringField(message, 'ticketId');
  const parts = [type && `event ${type}`, ticket && `ticket ${ticket}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'unrecognised body';
}

function stringField(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** One line of a dry run. */
export function deadLetterLine(d: {
  messageId: string;
  receiveCount: number | undefined;
  body: string;
  error: string | undefined;
}): string {
  const received = d.receiveCount === undefined ? '' : `, received ${d.receiveCount}×`;
  return `${d.messageId}${received}: ${describeBody(d.body)} — ${d.error || 'why it failed is not recorded'}`;
}
