import type { Account } from '../../shared/domain';

/** Accounts `npm start` puts in the directory, so triage and routing have someone to know. */
export const seedAccounts: readonly Account[] = [
  {
    id: 'acct-bigcorp',
    name: 'BigCorp',
    tier: 'enterprise',
    segment: 'mid-market',
    status: 'active',
    domains: ['bigcorp.example'],
  },
  {
    id: 'acct-smallshop',
    name: 'Small Shop',
    tier: 'smb',
    segment: 'smb',
    status: 'active',
    domains: ['smallshop.example'],
  },
  {
    id: 'acct-startup',
    name: 'Startup Trial',
    tier: 'free',
    segment: 'startup',
    status: 'trial',
    domains: ['startup.example'],
  },
];
