import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/runtime-process';

/**
 * A team edits its workflow file and makes a mistake. `npm start` and `cdk synth` must both stop with
 * the path and the problem. The repository is copied (node_modules linked) so the real file is untouched.
 */
describe('a broken workflow config', () => {
  let dir: string;
  const run = (script: string) =>
    spawnSync(resolve(ROOT, 'node_modules/.bin/tsx'), [script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: join(dir, '.data'), PORT: '0', DYNAMODB_PORT: '0' },
      timeout: 300_000,
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontdoor-badconfig-'));
    for (const entry of ['infra', 'functions', 'shared', 'package.json', 'tsconfig.json', 'cdk.json']) {
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const file = join(dir, 'shared/config/default-workflow.ts');
    const source = readFileSync(file, 'utf8');
    const broken = source.replace(
      "then: { priority: 'high', queue: 'billing' }",
      "then: { priority: 'high', queue: 'bilinq' }",
    );
    expect(broken).not.toBe(source);
    writeFileSync(file, broken);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops npm start before anything starts, naming the path and the problem', () => {
    const result = run('infra/local/main.ts');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid workflow config');
    expect(result.stderr).toMatch(/triageRules\[\d+\]\.then\.queue: .*bilinq/);
    expect(result.stdout).not.toContain('DynamoDB Local');
  });

  it('stops cdk synth with the same message', () => {
    const result = run('infra/app.ts');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/triageRules\[\d+\]\.then\.queue: .*bilinq/);
  });
});
