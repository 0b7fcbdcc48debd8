import { requiredEnv } from './env';
import { secretString } from './secrets';

/**
 * The key that signs needs-info links: `FRONTDOOR_LINK_SECRET` locally, else the Secrets Manager secret
 * named by `LINK_SECRET_NAME` (cached 5 minutes, ./secrets.ts).
 */
export async function linkSecret(): Promise<string> {
  const local = process.env.FRONTDOOR_LINK_SECRET;
  if (local) return local;
  const value = await secretString(requiredEnv('LINK_SECRET_NAME'));
  if (typeof value !== 'string' || value === '') throw new Error('the link-signing secret is empty');
  return value;
}
