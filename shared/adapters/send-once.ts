import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoDbClient } from './clients';

/**
 * Runs `send` at most once per key (Powertools idempotency), answering what the first run answered. The
 * records live in the ticket table under one partition per `scope` (`IDEMPOTENCY#<scope>`), kept 7 days.
 */
export function sendOnceStore(
  tableName: string,
  scope: string,
): {
  once: (key: string, send: () => Promise<string>) => Promise<string>;
  /** Hands Powertools the invocation's context (its remaining time bounds an in-progress record). */
  registerLambdaContext: (context: Context) => void;
} {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: `IDEMPOTENCY#${scope}`,
    expiryAttr: 'expiresAt',
    awsSdkV3Client: dynamoDbClient(),
  });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: 7 * 86_400 });
  const once = makeIdempotent(async (input: { key: string; send: () => Promise<string> }) => input.send(), {
    persistenceStore,
    config,
  });
  return {
    // `send` is not part of the idempotency key (only `key` is, by eventKeyJmesPath).
    once: (key, send) => once({ key, send }),
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
}
