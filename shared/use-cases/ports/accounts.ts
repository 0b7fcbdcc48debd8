// The account directory: who a requester's company is (by id or mail domain), and the changes the
// integration rules make to an account.
import type { Account } from '../../domain';
import type { AccountChange, AccountSnapshot } from '../../domain/integrations';

export type AccountChangeOutcome =
  | {
      readonly kind: 'changed';
      readonly account: Account;
      readonly before: AccountSnapshot;
      readonly after: AccountSnapshot;
    }
  | { readonly kind: 'unchanged'; readonly account: Account }
  | { readonly kind: 'unknown_account' };

export interface AccountDirectoryPort {
  get(id: string): Promise<Account | undefined>;
  byDomain(domain: string): Promise<Account | undefined>;
  /**
   * An integration rule's change, idempotent (a change already true writes nothing: `unchanged`); an
   * account the directory does not know is not invented: `unknown_account`.
   */
  change(
    id: string,
    change: AccountChange,
    cause: { readonly by: string; readonly cause: string; readonly eventType: string },
    at: Date,
  ): Promise<AccountChangeOutcome>;
  /** Creates or replaces an account; a domain of another account is refused (DomainTakenError). */
  upsert(account: Account, at: Date): Promise<void>;
}
