/**
 * EventBridge event-pattern matching, for the in-process bus. Covers what Frontdoor's rules use:
 * exact values, prefix, suffix, anything-but, exists, equals-ignore-case, and nested objects.
 * Unknown matcher kinds throw, so a rule the local bus cannot honour is found at start-up, not ignored.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isRecord(pattern)) throw new Error('an event pattern must be an object');
  const subject = isRecord(event) ? event : {};
  return Object.entries(pattern).every(([key, rule]) => {
    const value = subject[key];
    if (Array.isArray(rule)) return matchesAny(rule, value);
    if (isRecord(rule)) return matchesPattern(rule, value);
    throw new Error(`pattern value for "${key}" must be an array or an object`);
  });
}

function matchesAny(matchers: readonly unknown[], value: unknown): boolean {
  const existsMatcher = matchers.find((m) => isRecord(m) && 'exists' in m);
  if (isRecord(existsMatcher)) return (value !== undefined) === Boolean(existsMatcher.exists);
  if (value === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => matchers.some((m) => matchOne(m, v)));
}

function matchOne(matcher: unknown, value: unknown): boolean {
  if (!isRecord(matcher)) return matcher === value;
  if ('prefix' in matcher) return typeof value === 'string' && value.startsWith(String(matcher.prefix));
  if ('suffix' in matcher) return typeof value === 'string' && value.endsWith(String(matcher.suffix));
  if ('equals-ignore-case' in matcher) {
    return (
      typeof value === 'string' && value.toLowerCase() === String(matcher['equals-ignore-case']).toLowerCase()
    );
  }
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (isRecord(excluded)) return !matchOne(excluded, value);
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  throw new Error(`unsupported event-pattern matcher ${JSON.stringify(matcher)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
