import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { synthesizeStacks } from './stacks-synth';

/**
 * Synthesises the CDK app once for the whole run of the template tests (vitest project `stacks`), so
 * splitting them into several files does not synthesise several times. They read it through
 * test/support/stacks.ts.
 */
export default function setup(project: TestProject) {
  const stacks = synthesizeStacks();
  project.provide('frontdoorStacks', stacks);
  return () => {
    rmSync(stacks.directory, { recursive: true, force: true });
  };
}
