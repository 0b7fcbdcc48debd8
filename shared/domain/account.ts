import type { AccountContext } from './ticket';
import * as z from './zod';

export const AccountStatus = z.enum(['active', 'trial', 'past_due', 'suspended', 'cancelled']);
export type AccountStatus = z.infer<typeof AccountStatus>;

const domainName = z
  .string()
  .check(
    z.toLowerCase(),
    z.regex(
      /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/,
      'must be a domain name like example.com',
    ),
  );

/** A customer account in the directory: what triage and routing know about who is asking. */
export const AccountSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9][\w.:-]{0,127}$/, 'must be 1-128 letters, digits, _ . : -')),
  name: z.string().check(z.trim(), z.minLength(1, 'must not be blank'), z.maxLength(200)),
  tier: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  segment: z.optional(z.string().check(z.trim(), z.maxLength(64))),
  status: AccountStatus,
  /** Mail from these domains is recognised as this account's. */
  domains: z.array(domainName).check(z.maxLength(50)),
  /** Labels set by people or by integration rules (e.g. `subscription-cancelled`). */
  tags: z.optional(
    z
      .array(z.string().check(z.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case')))
      .check(z.maxLength(50)),
  ),
});
export type Account = z.infer<typeof AccountSchema>;

/** The part of a mail address after `@`, lower-cased. */
export function domainOf(email: string): string {
  return (email.split('@').pop() ?? '').toLowerCase();
}

/**
 * A request's account context, completed from the directory: what the sender said wins (it is the
 * more specific source), the directory fills in what it did not say.
 */
export function enrichAccount(
  given: AccountContext | undefined,
  account: Account | undefined,
): AccountContext | undefined {
  if (!account) return given;
  return {
    id: given?.id ?? account.id,
    name: given?.name ?? account.name,
    tier: given?.tier ?? account.tier,
    ...((given?.segment ?? account.segment) ? { segment: given?.segment ?? account.segment } : {}),
    status: given?.status ?? account.status,
  };
}
