// Apart from schema.ts so that what prints an issue's path (the HTTP edge's 400s) does not load the
// workflow config's schema with it.

/** `['triageRules', 0, 'then', 'queue']` → `triageRules[0].then.queue`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z0-9_$-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}
