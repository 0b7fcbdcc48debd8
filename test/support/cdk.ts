/**
 * Small CDK apps for the infra tests that build their own (a few functions, the agent UI alone, one
 * bundle): the stateful and stateless stacks wired as `buildApp` wires them, and temporary directories.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { StatefulStack } from '../../infra/stateful-stack';
import { StatelessStack } from '../../infra/stateless-stack';
import type { FunctionSpec } from '../../shared/topology';

/** Temporary directories made through `make`, all removed by `removeAll` (an `afterAll`). */
export function temporaryDirectories() {
  const made: string[] = [];
  return {
    make(prefix: string): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a stand-in for `ui/dist` into `dir` (an `index.html`, an `assets/` file), so no Vite build runs. */
export function writePrebuiltUi(dir: string): string {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/app/assets/index-test.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'index-test.js'), 'document.body.textContent = "placeholder";');
  return dir;
}

export interface StackPairOptions {
  readonly stage: string;
  /** The topology functions to deploy (none: the stacks without any, e.g. for the agent UI). */
  readonly functions: readonly FunctionSpec[];
  readonly supportAddress: string;
  /** Construct ids of the two stacks. @default ['Stateful', 'Stateless'] */
  readonly ids?: readonly [string, string];
  /** Hand the stateful stack's wake-up scheduling to the stateless stack. @default true */
  readonly withWakeUps?: boolean;
}

/** The stateful stack (with the `demo` webhook source) and a stateless stack on it, in `app`. */
export function stackPair(
  app: App,
  { stage, functions, supportAddress, ids = ['Stateful', 'Stateless'], withWakeUps = true }: StackPairOptions,
): { stateful: StatefulStack; stateless: StatelessStack } {
  const stateful = new StatefulStack(app, ids[0], {
    stage,
    webhookSources: { demo: { description: 'Demo', secretName: 'frontdoor/webhooks/demo' } },
  });
  const stateless = new StatelessStack(app, ids[1], {
    stage,
    table: stateful.table,
    bus: stateful.bus,
    key: stateful.key,
    webhookSecrets: Object.values(stateful.webhookSecrets),
    linksSecret: stateful.linksSecret,
    linksSecretName: stateful.linksSecretName,
    mailBucket: stateful.mailBucket,
    queues: stateful.queues,
    wakeUps: withWakeUps ? stateful.wakeUps : undefined,
    supportAddress,
    functions,
  });
  stateless.addDependency(stateful);
  return { stateful, stateless };
}
