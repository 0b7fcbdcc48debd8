import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_SHIM } from '../../infra/bundling';
import { functions } from '../../shared/topology';
import { stackPair, temporaryDirectories, writePrebuiltUi } from '../support/cdk';

// The one test that bundles a function as `cdk synth` does (esbuild through NodejsFunction, with the
// construct's real options). The template tests (stacks-*.test.ts) synthesise without bundling.

/** The front door: a handler that reaches DynamoDB and Secrets Manager through the AWS SDK. */
const SPEC_NAME = 'receive-webhook';

const temporary = temporaryDirectories();

let bundle: string;

beforeAll(() => {
  const spec = functions.find((f) => f.name === SPEC_NAME);
  if (!spec) throw new Error(`the topology has no ${SPEC_NAME}`);
  const outdir = temporary.make('frontdoor-bundle-');
  // Only the assembly is wanted: CloudFormation validation runs once per test run, in stacks-nag.test.ts.
  // The agent UI is a stand-in, copied as it is: Vite does not run.
  const app = new App({
    outdir,
    context: { agentUiDist: writePrebuiltUi(temporary.make('frontdoor-bundle-ui-')) },
    builtinCloudFormationValidation: false,
  });
  const { stateless } = stackPair(app, {
    stage: 'unit',
    functions: [spec],
    supportAddress: 'support@example.com',
  });
  const fn = Object.values(Template.fromStack(stateless).findResources('AWS::Lambda::Function')).find(
    (r) => r.Properties.FunctionName === `frontdoor-unit-${SPEC_NAME}`,
  );
  const key = String(fn?.Properties.Code.S3Key);
  bundle = join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
});

afterAll(() => {
  temporary.removeAll();
});

describe(`the ${SPEC_NAME} bundle`, () => {
  it('is ESM with the require shim first and a source map beside it', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith(ESM_REQUIRE_SHIM)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  it('has the AWS SDK inside (no import of @aws-sdk left) and stays small', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB');
    expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
  });
});
