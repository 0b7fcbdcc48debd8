import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_SHIM } from '../../infra/bundling';
import { functions } from '../../shared/topology';
import { stackPair, temporaryDirectories, writePrebuiltUi } from '../support/cdk';

// The one test that bundles functions as `cdk synth` does (esbuild through NodejsFunction, with the
// construct's real options). The template tests (stacks-*.test.ts) synthesise without bundling; the size
// budgets are in bundle-size.test.ts (the same options through esbuild's API, every function).

/** The front door: a handler that reaches DynamoDB and Secrets Manager through the AWS SDK. */
const SPEC_NAME = 'receive-webhook';
/** The mail parser's bundle, the one with files beside it (infra/bundling.ts, `BESIDE_BUNDLE`). */
const MAIL_SPEC_NAME = 'receive-email';

const temporary = temporaryDirectories();

const bundles = new Map<string, string>();

beforeAll(() => {
  const specs = [SPEC_NAME, MAIL_SPEC_NAME].map((name) => {
    const spec = functions.find((f) => f.name === name);
    if (!spec) throw new Error(`the topology has no ${name}`);
    return spec;
  });
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
    functions: specs,
    supportAddress: 'support@example.com',
  });
  const resources = Object.values(Template.fromStack(stateless).findResources('AWS::Lambda::Function'));
  for (const spec of specs) {
    const fn = resources.find((r) => r.Properties.FunctionName === `frontdoor-unit-${spec.name}`);
    const key = String(fn?.Properties.Code.S3Key);
    bundles.set(spec.name, join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs'));
  }
});

afterAll(() => {
  temporary.removeAll();
});

function bundleOf(name: string): string {
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`${name} was not bundled`);
  return bundle;
}

describe(`the ${SPEC_NAME} bundle`, () => {
  it('is ESM with the require shim first and a source map beside it', () => {
    const code = readFileSync(bundleOf(SPEC_NAME), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_SHIM)).toBe(true);
    expect(existsSync(`${bundleOf(SPEC_NAME)}.map`)).toBe(true);
  });

  it('has the AWS SDK inside (no import of @aws-sdk left) and stays small', () => {
    const code = readFileSync(bundleOf(SPEC_NAME), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB');
    expect(statSync(bundleOf(SPEC_NAME)).size).toBeLessThan(5 * 1024 * 1024);
  });

  it("takes the SDK's credentials from the environment, without the rest of the default chain", () => {
    const code = readFileSync(bundleOf(SPEC_NAME), 'utf8');
    // The debug messages of each credential provider name it; minification keeps strings.
    expect(code).toContain('@aws-sdk/credential-provider-env - fromEnv');
    expect(code).not.toContain('defaultProvider::fromSSO');
    expect(code).not.toContain('@aws-sdk/credential-provider-ini - fromIni');
  });

  it('carries the workflow config parsed and the route table, not the parser or the topology', () => {
    const code = readFileSync(bundleOf(SPEC_NAME), 'utf8');
    expect(code).toContain('JSON.parse(`{"version":1,');
    // WorkflowConfigError's message and a function spec's entry are only in the parse and the topology.
    expect(code).not.toContain('Invalid workflow config');
    expect(code).not.toContain('functions/get-ticket/handler.ts');
  });
});

describe(`the ${SPEC_NAME} bundle's language profiles`, () => {
  it('are beside it, with their licence, loaded on the first detection instead of parsed at every start', () => {
    const bundle = bundleOf(SPEC_NAME);
    expect(readFileSync(bundle, 'utf8')).toContain('"./tinyld/tinyld.light.node.js"');
    // tinyld's export list (supportedLanguages is one of its names Frontdoor never calls) is in the copy only.
    expect(readFileSync(bundle, 'utf8')).not.toContain('supportedLanguages');
    expect(readFileSync(join(dirname(bundle), 'tinyld/tinyld.light.node.js'), 'utf8')).toContain(
      'supportedLanguages',
    );
    expect(existsSync(join(dirname(bundle), 'tinyld/license'))).toBe(true);
  });
});

describe(`the ${MAIL_SPEC_NAME} bundle`, () => {
  it("has every charset table it requires beside it (iconv-lite's, loaded on first use)", () => {
    const bundle = bundleOf(MAIL_SPEC_NAME);
    const tables = [...readFileSync(bundle, 'utf8').matchAll(/\("(\.\/tables\/[^"]+\.json)"\)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(tables).toEqual(expect.arrayContaining(['./tables/shiftjis.json', './tables/cp936.json']));
    for (const table of tables) {
      const file = join(dirname(bundle), table);
      expect(existsSync(file), table).toBe(true);
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    }
  });

  it("has encoding-japanese's one-file build beside it, with its licence, and not inside", () => {
    const bundle = bundleOf(MAIL_SPEC_NAME);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('"./japanese/encoding.min.js"');
    expect(code).not.toContain('Convert and detect character encodings');
    expect(readFileSync(join(dirname(bundle), 'japanese/encoding.min.js'), 'utf8')).toContain(
      'Convert and detect character encodings',
    );
    expect(existsSync(join(dirname(bundle), 'japanese/LICENSE'))).toBe(true);
  });

  it('has html-to-text built beside it as one file, with its licence, and not inside', async () => {
    const bundle = bundleOf(MAIL_SPEC_NAME);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('"./html-to-text/index.cjs"');
    // htmlparser2's tokenizer and html-to-text's own option names are in the side file only.
    expect(code).not.toContain('wordwrap');
    const side = join(dirname(bundle), 'html-to-text/index.cjs');
    expect(readFileSync(side, 'utf8')).toContain('wordwrap');
    expect(existsSync(join(dirname(bundle), 'html-to-text/LICENSE'))).toBe(true);
    // One file with everything it needs: Node loads it with nothing installed beside it.
    const { stdout } = await promisify(execFile)(process.execPath, [
      '-e',
      `console.log(require(${JSON.stringify(side)}).htmlToText('<h1>Refund</h1><p>charged <b>twice</b></p>'))`,
    ]);
    expect(stdout).toContain('REFUND');
    expect(stdout).toContain('charged twice');
  });

  it("has libmime's MIME type tables beside it, with their licence, and not inside", () => {
    const bundle = bundleOf(MAIL_SPEC_NAME);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('"./libmime/mimetypes.js"');
    expect(code).not.toContain('application/vnd.openxmlformats');
    expect(readFileSync(join(dirname(bundle), 'libmime/mimetypes.js'), 'utf8')).toContain(
      'application/vnd.openxmlformats',
    );
    expect(existsSync(join(dirname(bundle), 'libmime/LICENSE'))).toBe(true);
  });

  it('has no charset table inside', () => {
    expect(readFileSync(bundleOf(MAIL_SPEC_NAME), 'utf8')).not.toContain('"8140","　、。，．・：；？！');
  });
});
