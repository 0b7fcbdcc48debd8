/**
 * Integration rules: external events (`billing.subscription_cancelled` …) matched to actions.
 * PLACEHOLDER shape — being filled in.
 */
import * as z from '../domain/zod';

export const IntegrationRuleSchema = z.object({
  description: z.string(),
});
export type IntegrationRule = z.infer<typeof IntegrationRuleSchema>;

/** Cross-checks of the rules against the rest of the config (request types, queues, templates). */
export function checkIntegrationRules(
  _config: { readonly integrationRules: Readonly<Record<string, IntegrationRule>> } & Record<string, unknown>,
  _issue: (path: PropertyKey[], message: string) => void,
): void {}
