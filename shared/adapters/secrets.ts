import { AwsJsonService, SECRETS_MANAGER } from './aws-json';

/*
 * A Secrets Manager secret's string, cached per container for a few minutes (so a rotation is picked up
 * without a deploy), fetched with GetSecretValue through ./aws-json.ts rather than the SDK client and
 * Powertools' parameters utility (issue 21: +19 KiB and their init in every function that signs or checks
 * a link or a webhook, for one call per container and five minutes).
 */

let service: AwsJsonService | undefined;
const cache = new Map<string, { value: Promise<string | undefined>; until: number }>();

/** How long a fetched secret is used before it is fetched again. */
const SECRET_MAX_AGE_MS = 300_000;

/** Replaces the Secrets Manager the secrets are fetched from, and forgets what was cached (tests, bench). */
export function useSecretsManager(replacement: AwsJsonService | undefined): void {
  service = replacement;
  cache.clear();
}

/**
 * The `SecretString` of the secret `name` (undefined if it holds binary only), from the cache while younger
 * than `SECRET_MAX_AGE_MS`; concurrent callers share one fetch. A failed fetch is not cached.
 */
export function secretString(name: string, now = Date.now()): Promise<string | undefined> {
  const cached = cache.get(name);
  if (cached && cached.until > now) return cached.value;
  service ??= new AwsJsonService(SECRETS_MANAGER);
  const value = service
    .call<{ SecretString?: unknown }>(
      'POST',
      '/',
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      { SecretId: name },
    )
    .then((out) => (typeof out.SecretString === 'string' ? out.SecretString : undefined));
  cache.set(name, { value, until: now + SECRET_MAX_AGE_MS });
  value.catch(() => {
    if (cache.get(name)?.value === value) cache.delete(name);
  });
  return value;
}
