import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import type { Account } from '../../shared/domain';
import { DomainTakenError } from '../../shared/use-cases/ports';
import { freshTable } from '../support/dynamodb';

const at = new Date('2026-11-23T10:00:00Z');
const acme: Account = {
  id: 'acct-acme',
  name: 'Acme',
  tier: 'enterprise',
  status: 'active',
  domains: ['acme.example', 'acme-mail.example'],
};

describe('AccountDirectory against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let directory: AccountDirectory;
  beforeAll(async () => {
    table = await freshTable();
    directory = new AccountDirectory(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('finds an account by id and by each of its mail domains', async () => {
    await directory.upsert(acme, at);
    expect(await directory.get('acct-acme')).toEqual(acme);
    expect(await directory.byDomain('ACME-mail.example')).toEqual(acme);
    expect(await directory.byDomain('nobody.example')).toBeUndefined();
  });

  it('forgets a domain the account no longer has', async () => {
    await directory.upsert({ ...acme, domains: ['acme.example'] }, at);
    expect(await directory.byDomain('acme-mail.example')).toBeUndefined();
    expect((await directory.byDomain('acme.example'))?.id).toBe('acct-acme');
  });

  it('refuses to take a domain that belongs to another account, and writes nothing', async () => {
    const other: Account = {
      id: 'acct-other',
      name: 'Other',
      tier: 'smb',
      status: 'trial',
      domains: ['other.example', 'acme.example'],
    };
    await expect(directory.upsert(other, at)).rejects.toEqual(expect.any(DomainTakenError));
    await expect(directory.upsert(other, at)).rejects.toThrow(/acme\.example/);
    expect(await directory.get('acct-other')).toBeUndefined();
    expect(await directory.byDomain('other.example')).toBeUndefined();
  });
});
