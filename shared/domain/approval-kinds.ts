/**
 * The approval vocabulary the workflow config is written in (kinds, currencies): it imports nothing of the
 * config, so the config's schema can use it without a circle.
 */
import * as z from './zod';

export const approvalKinds = ['credit', 'refund', 'cancellation', 'access', 'data_change'] as const;
export const ApprovalKind = z.enum(approvalKinds);
export type ApprovalKind = z.infer<typeof ApprovalKind>;

/** Kinds whose requests carry an amount, and whose policies may take thresholds. */
export const MONETARY_KINDS: readonly ApprovalKind[] = ['credit', 'refund'];

export const CurrencyCode = z
  .string()
  .check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code like EUR'));
