import { describe, expect, it } from 'vitest';
import { signLink, verifyLink } from '../../shared/http/signed-link';

const link = { ticketId: '01KAAAAAAAAAAAAAAAAAAAAAAA', fields: ['invoiceId'], expiresAt: 2_000_000_000 };
const now = new Date('2026-11-23T00:00:00Z');

describe('signed needs-info links', () => {
  it('round-trips what the link grants', () => {
    expect(verifyLink('k', signLink('k', link), now)).toEqual({ ok: true, link });
  });
  it('refuses a link signed with another key, or with its payload changed', () => {
    const token = signLink('k', link);
    expect(verifyLink('other', token, now)).toMatchObject({ ok: false, reason: 'forged' });
    const [, sig] = token.split('.');
    const widened = `${Buffer.from(JSON.stringify({ t: link.ticketId, f: ['invoiceId', 'customerId'], e: link.expiresAt })).toString('base64url')}.${sig}`;
    expect(verifyLink('k', widened, now)).toMatchObject({ ok: false, reason: 'forged' });
  });
  it('refuses an expired or malformed link', () => {
    expect(verifyLink('k', signLink('k', { ...link, expiresAt: 1 }), now)).toMatchObject({
      reason: 'expired',
    });
    expect(verifyLink('k', 'garbage', now)).toMatchObject({ reason: 'malformed' });
  });
});
