import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The layer rules of `.dependency-cruiser.cjs`, run over the real sources: a new import that crosses a layer
// (a use case reaching for an adapter, the SDK in a handler, shared/ importing infra, a circle) fails here,
// named as "rule: from → to".

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: IFlattenedRuleSet['forbidden'];
  options: Record<string, unknown>;
};

/** Cruises `paths` (relative to `baseDir`) with the repository's rules; one line per violation. */
async function violations(paths: string[], baseDir = ROOT): Promise<string[]> {
  const { output } = await cruise(
    paths,
    {
      ...config.options,
      baseDir,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
      outputType: 'json',
    },
    // Symlinks kept as they are: the bad tree's linked node_modules then resolves to `node_modules/…`
    // inside the tree, exactly as packages resolve in the real one.
    { ...(config.options.enhancedResolveOptions as Record<string, unknown>), symlinks: false },
  );
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return result.summary.violations.map((v) =>
    v.cycle?.length
      ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => (typeof c === 'string' ? c : c.name))].join(' → ')}`
      : `${v.rule.name}: ${v.from} → ${v.to}`,
  );
}

describe('the layer rules', () => {
  it('hold for every module of shared, functions, infra and tools', async () => {
    const found = await violations(
      ['shared', 'functions', 'infra', 'tools'].filter((d) => existsSync(join(ROOT, d))),
    );
    expect(found).toEqual([]);
  });

  describe('on a deliberately bad tree', () => {
    // A throw-away tree with the repository's shape; node_modules is linked so packages resolve as here.
    const dir = mkdtempSync(join(tmpdir(), 'frontdoor-layers-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const write = (path: string, source: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    };
    write('shared/adapters/ticket-repository.ts', 'export class ConcurrentUpdateError extends Error {}\n');
    write('shared/use-cases/ports/clock.ts', 'export interface Clock { now(): Date }\n');
    write(
      'shared/use-cases/assign.ts',
      "export { ConcurrentUpdateError } from '../adapters/ticket-repository';\n",
    );
    write(
      'shared/domain/ticket.ts',
      "import { Clock } from '../use-cases/ports/clock';\nexport type T = Clock;\n",
    );
    write('shared/domain/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('shared/domain/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    write('shared/http/openapi.ts', "export { stack } from '../../infra/stack';\n");
    write('infra/stack.ts', 'export const stack = 1;\n');
    write(
      'functions/x/handler.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = () => new DynamoDBClient({});\n",
    );
    write(
      'shared/domain/clock.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const db = () => new DynamoDBClient({});\n",
    );
    write('shared/topology.ts', "export { ConcurrentUpdateError } from './adapters/ticket-repository';\n");
    write('shared/adapters/callback.ts', "export { x } from '../use-cases/assign';\n");
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names each broken rule with the import that breaks it', async () => {
      const found = await violations(['shared', 'functions', 'infra'], dir);
      expect(found).toEqual(
        expect.arrayContaining([
          'use-cases-depend-on-ports: shared/use-cases/assign.ts → shared/adapters/ticket-repository.ts',
          'domain-is-pure: shared/domain/ticket.ts → shared/use-cases/ports/clock.ts',
          'no-circular: shared/domain/a.ts → shared/domain/b.ts → shared/domain/a.ts',
          'shared-never-imports-outer-layers: shared/http/openapi.ts → infra/stack.ts',
          expect.stringMatching(
            /^sdk-only-in-adapters-and-infra: functions\/x\/handler.ts → node_modules\/@aws-sdk\/client-dynamodb\//,
          ),
          expect.stringMatching(
            /^domain-is-pure: shared\/domain\/clock.ts → node_modules\/@aws-sdk\/client-dynamodb\//,
          ),
          expect.stringMatching(
            /^sdk-only-in-adapters-and-infra: shared\/domain\/clock.ts → node_modules\/@aws-sdk\/client-dynamodb\//,
          ),
          'adapters-implement-ports: shared/adapters/callback.ts → shared/use-cases/assign.ts',
          'topology-is-a-declaration: shared/topology.ts → shared/adapters/ticket-repository.ts',
        ]),
      );
    });
  });
});
