import { fromEnv } from '@aws-sdk/credential-provider-env';

/*
 * What the function bundles use instead of @aws-sdk/credential-provider-node (an esbuild alias,
 * infra/bundling.ts); no source module imports this one. Lambda puts the execution role's credentials in
 * the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link of the SDK's
 * default chain, so the rest of the chain (SSO, ini files, credential_process, web identity, the container
 * and instance metadata services — with the STS and SSO clients they create) is never reached there, yet
 * costs every bundle about 100 KiB. The local runtime and the tests run the sources, with the full chain.
 */

/** The SDK clients' `credentialDefaultProvider`: the environment's credentials, as the default chain's first link reads them. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
