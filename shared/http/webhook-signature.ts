import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Frontdoor-Signature';
export const TIMESTAMP_HEADER = 'X-Frontdoor-Timestamp';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'missing' | 'malformed' | 'stale' | 'mismatch';
      readonly message: string;
    };

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, as documented for webhook senders. */
export function signWebhook(secret: string, timestamp: number | string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

/**
 * Verifies a webhook signature. The comparison is constant-time so response timing does not leak
 * how much of a forged signature was right; the timestamp window bounds replays.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  now: Date;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { secret, timestamp, signature, body, now } = input;
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (!timestamp || !signature) {
    return {
      ok: false,
      reason: 'missing',
      message: `${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required`,
    };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'malformed', message: `${TIMESTAMP_HEADER} must be unix seconds` };
  }
  const age = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (age > tolerance) {
    return {
      ok: false,
      reason: 'stale',
      message: `${TIMESTAMP_HEADER} is more than ${tolerance} s from now`,
    };
  }
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!match?.[1]) {
    return { ok: false, reason: 'malformed', message: `${SIGNATURE_HEADER} must be sha256=<64 hex digits>` };
  }
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = Buffer.from(signWebhook(secret, timestamp, body).slice('sha256='.length), 'hex');
  if (!timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'mismatch', message: 'signature does not match' };
  }
  return { ok: true };
}
