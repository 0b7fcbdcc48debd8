import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { requiredEnv } from './env';

/**
 * The key that signs needs-info links: `FRONTDOOR_LINK_SECRET` locally, else the Secrets Manager secret
 * named by `LINK_SECRET_NAME` (cached 5 minutes by Powertools).
 */
export async function linkSecret(): Promise<string> {
  const local = process.env.FRONTDOOR_LINK_SECRET;
  if (local) return local;
  const value = await getSecret(requiredEnv('LINK_SECRET_NAME'), { maxAge: 300 });
  if (typeof value !== 'string' || value === '') throw new Error('the link-signing secret is empty');
  return value;
}
