/** The JSON values a local Task handler takes and returns, and the checks on them. */
import type { RunOptions } from 'aws-local-stepfunctions';

type LocalHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
export type JsonValue = Parameters<LocalHandler>[0];

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value looks like after a trip through JSON, as a Lambda result does (undefined → null). */
export function asJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null));
}
