import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/local/event-pattern';

const event = {
  source: 'frontdoor',
  'detail-type': 'ticket.created',
  detail: { ticketId: '01J', queue: 'billing', tags: ['vip', 'invoice'], priority: 'high' },
};

describe('the local bus event-pattern matcher', () => {
  it('matches exact values at the top level and nested in detail', () => {
    expect(
      matchesPattern({ source: ['frontdoor'], detail: { queue: ['billing', 'frontline'] } }, event),
    ).toBe(true);
    expect(matchesPattern({ source: ['billing'] }, event)).toBe(false);
  });

  it('matches any element of an array value', () => {
    expect(matchesPattern({ detail: { tags: ['vip'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { tags: ['other'] } }, event)).toBe(false);
  });

  it('supports prefix, suffix, anything-but, exists and equals-ignore-case', () => {
    expect(matchesPattern({ 'detail-type': [{ prefix: 'ticket.' }] }, event)).toBe(true);
    expect(matchesPattern({ 'detail-type': [{ suffix: '.created' }] }, event)).toBe(true);
    expect(matchesPattern({ detail: { priority: [{ 'anything-but': ['low', 'normal'] }] } }, event)).toBe(
      true,
    );
    expect(matchesPattern({ detail: { priority: [{ 'anything-but': 'high' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { assignee: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { assignee: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { queue: [{ 'equals-ignore-case': 'BILLING' }] } }, event)).toBe(true);
  });

  it('refuses a matcher it cannot honour instead of silently ignoring it', () => {
    expect(() => matchesPattern({ detail: { n: [{ numeric: ['>', 1] }] } }, { detail: { n: 2 } })).toThrow(
      /unsupported/,
    );
  });
});
