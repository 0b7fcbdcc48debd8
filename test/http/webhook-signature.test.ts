import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../shared/http/webhook-signature';

const secret = 'shh';
const body = Buffer.from('{"id":"1"}');
const now = new Date('2026-11-23T12:00:00Z');
const ts = String(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('accepts the HMAC-SHA256 of "<timestamp>.<raw body>"', () => {
    const signature = signWebhook(secret, ts, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, timestamp: ts, signature, body, now })).toEqual({ ok: true });
  });

  it('accepts an upper-case hex digest', () => {
    const signature = `sha256=${signWebhook(secret, ts, body).slice(7).toUpperCase()}`;
    expect(verifyWebhookSignature({ secret, timestamp: ts, signature, body, now }).ok).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    const signature = signWebhook('other', ts, body);
    expect(verifyWebhookSignature({ secret, timestamp: ts, signature, body, now })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a body changed after signing', () => {
    const signature = signWebhook(secret, ts, body);
    const tampered = Buffer.from('{"id":"2"}');
    expect(verifyWebhookSignature({ secret, timestamp: ts, signature, body: tampered, now }).ok).toBe(false);
  });

  it('refuses a timestamp more than 300 s old or ahead, and accepts one at the edge', () => {
    const at = (offset: number) => String(Number(ts) + offset);
    const check = (t: string) =>
      verifyWebhookSignature({ secret, timestamp: t, signature: signWebhook(secret, t, body), body, now });
    expect(check(at(-301))).toMatchObject({ ok: false, reason: 'stale' });
    expect(check(at(301))).toMatchObject({ ok: false, reason: 'stale' });
    expect(check(at(-300)).ok).toBe(true);
  });

  it('refuses missing or malformed headers', () => {
    const signature = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature({ secret, timestamp: undefined, signature, body, now })).toMatchObject({
      reason: 'missing',
    });
    expect(verifyWebhookSignature({ secret, timestamp: 'soon', signature, body, now })).toMatchObject({
      reason: 'malformed',
    });
    expect(verifyWebhookSignature({ secret, timestamp: ts, signature: 'md5=abc', body, now })).toMatchObject({
      reason: 'malformed',
    });
    expect(
      verifyWebhookSignature({ secret, timestamp: ts, signature: 'sha256=abcd', body, now }),
    ).toMatchObject({
      reason: 'malformed',
    });
  });
});
