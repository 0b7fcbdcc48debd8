import { describe, expect, it } from 'vitest';
import { AccountSchema, domainOf, enrichAccount } from '../../shared/domain';

const account = {
  id: 'acct-1',
  name: 'Acme',
  tier: 'enterprise',
  segment: 'mid-market',
  status: 'active' as const,
  domains: ['acme.example'],
};

describe('account context', () => {
  it('fills what the sender did not say from the directory', () => {
    expect(enrichAccount(undefined, account)).toEqual({
      id: 'acct-1',
      name: 'Acme',
      tier: 'enterprise',
      segment: 'mid-market',
      status: 'active',
    });
  });
  it('keeps what the sender said', () => {
    expect(enrichAccount({ id: 'acct-1', tier: 'smb' }, account)).toMatchObject({
      tier: 'smb',
      segment: 'mid-market',
    });
  });
  it('leaves the context alone when the directory has no account', () => {
    expect(enrichAccount({ id: 'x' }, undefined)).toEqual({ id: 'x' });
  });
  it('reads the domain of an address, lower-cased', () => {
    expect(domainOf('Dana@BigCorp.Example')).toBe('bigcorp.example');
  });
  it('refuses an account with a malformed domain or status, naming the path', () => {
    const r = AccountSchema.safeParse({ ...account, domains: ['not a domain'], status: 'gone' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['domains.0', 'status']);
  });
});
