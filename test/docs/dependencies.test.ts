import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README says why each dependency is there: a dependency added without a reason fails here.

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The names written in backticks in the README's "Dependencies and why" section. */
function namedInDependencySection(readme: string): Set<string> {
  const start = readme.indexOf('## Dependencies and why');
  if (start < 0) throw new Error('the README has no "## Dependencies and why" section');
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return new Set([...section.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? ''));
}

describe('the README’s dependency table', () => {
  it('names every dependency and dev dependency of package.json', () => {
    const named = namedInDependencySection(readFileSync(new URL('README.md', root), 'utf8'));
    const all = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(all.filter((name) => !named.has(name))).toEqual([]);
  });

  it('notices a dependency the table does not name', () => {
    const named = namedInDependencySection(
      '## Dependencies and why\n\n| `zod` | schemas |\n\n## Tests\n`ulid`',
    );
    expect(named.has('zod')).toBe(true);
    expect(named.has('ulid')).toBe(false);
  });
});
