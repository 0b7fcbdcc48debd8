import { secretString } from './secrets';

export interface WebhookSecrets {
  /** The shared secret of a webhook source, or undefined if none is configured. */
  secretFor(source: string, secretName: string): Promise<string | undefined>;
}

/** `FRONTDOOR_WEBHOOK_SECRET_<SOURCE>`: the source id upper-cased, anything but letters/digits as `_`. */
export function localSecretVariable(source: string): string {
  return `FRONTDOOR_WEBHOOK_SECRET_${source.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Locally the secret comes from `FRONTDOOR_WEBHOOK_SECRET_<SOURCE>`; in AWS, where that variable is
 * never set, from Secrets Manager under the name the workflow config gives (cached for 5 minutes,
 * ./secrets.ts, so a rotation is picked up without a deploy).
 */
export const webhookSecrets: WebhookSecrets = {
  async secretFor(source, secretName) {
    const local = process.env[localSecretVariable(source)];
    if (local !== undefined && local !== '') return local;
    return secretString(secretName);
  },
};
