import { spawnSync } from 'node:child_process';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp, InvalidContextError, InvalidStageError } from '../../infra/build-app';
import { REPO_ROOT } from '../../infra/constructs/frontdoor-function';
import { workflowConfig } from '../../shared/config';

/** The repository's own config as plain data, to break one value at a time. */
function configWith(change: (config: Record<string, unknown>) => void): unknown {
  const config = JSON.parse(JSON.stringify(workflowConfig)) as Record<string, unknown>;
  change(config);
  return config;
}

/** Skips esbuild and Vite: these tests look at names, not bundles. */
const noBundling = { 'aws:cdk:bundling-stacks': [] };
/** CloudFormation validation runs once per test run, on the whole app, in stacks-nag.test.ts. */
const noValidation = { builtinCloudFormationValidation: false };

describe('buildApp', () => {
  it('refuses a bad workflow config with an error naming the path, before anything is bundled', () => {
    const broken = configWith((c) => {
      c.webhookSources = { demo: { description: 'Demo', secretName: 'not a secret name' } };
    });
    expect(() => buildApp({ config: broken })).toThrow(
      expect.objectContaining({
        name: 'WorkflowConfigError',
        message: expect.stringContaining('webhookSources.demo.secretName'),
      }),
    );
  });

  it('refuses a stage that cannot be part of resource names', () => {
    expect(() => buildApp({ stage: 'Prod Stage', nag: false })).toThrow(InvalidStageError);
    expect(() =>
      buildApp({ appProps: { ...noValidation, context: { stage: 'x'.repeat(21) } }, nag: false }),
    ).toThrow(/stage "x{21}" is invalid/);
  });

  it('names stacks and the bus after the stage from context, defaulting to dev', () => {
    const dev = buildApp({ appProps: { ...noValidation, context: noBundling }, nag: false });
    expect([dev.stage, dev.stateful.stackName, dev.stateless.stackName]).toEqual([
      'dev',
      'frontdoor-dev-stateful',
      'frontdoor-dev-stateless',
    ]);
    const prod = buildApp({
      appProps: { ...noValidation, context: { ...noBundling, stage: 'prod' } },
      nag: false,
    });
    Template.fromStack(prod.stateful).hasResourceProperties('AWS::Events::EventBus', {
      Name: 'frontdoor-prod',
    });
    expect(prod.stateless.dependencies).toContain(prod.stateful);
  });

  it('takes the support address and the public base URL from context', () => {
    const built = buildApp({
      appProps: {
        ...noValidation,
        context: {
          ...noBundling,
          supportAddress: 'help@acme.test',
          publicBaseUrl: 'https://support.acme.test',
        },
      },
      nag: false,
    });
    const stateless = Template.fromStack(built.stateless);
    stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({ Recipients: ['help@acme.test'] }),
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'frontdoor-dev-send-notification',
      Environment: {
        Variables: Match.objectLike({
          SUPPORT_ADDRESS: 'help@acme.test',
          PUBLIC_BASE_URL: 'https://support.acme.test',
        }),
      },
    });
  });

  it('refuses a support address or public base URL that cannot be deployed', () => {
    expect(() =>
      buildApp({
        appProps: { ...noValidation, context: { ...noBundling, supportAddress: 'Support <s@x.io>' } },
        nag: false,
      }),
    ).toThrow(InvalidContextError);
    expect(() =>
      buildApp({
        appProps: { ...noValidation, context: { ...noBundling, publicBaseUrl: 'http://plain.example' } },
        nag: false,
      }),
    ).toThrow(/publicBaseUrl "http:\/\/plain.example" is invalid/);
  });

  it('mails the operations topic to the alarmEmail from context, and refuses one that is not an address', () => {
    const built = buildApp({
      appProps: { ...noValidation, context: { ...noBundling, alarmEmail: 'oncall@acme.test' } },
      nag: false,
    });
    Template.fromStack(built.stateful).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@acme.test',
    });
    const without = buildApp({ appProps: { ...noValidation, context: noBundling }, nag: false });
    Template.fromStack(without.stateful).resourceCountIs('AWS::SNS::Subscription', 0);
    expect(() =>
      buildApp({
        appProps: { ...noValidation, context: { ...noBundling, alarmEmail: 'on call' } },
        nag: false,
      }),
    ).toThrow(/alarmEmail "on call" is invalid/);
  });
});

describe('infra/app.ts', () => {
  it('exits 1 with just the error message when the app cannot be built', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'Not Valid' }) },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `stage "Not Valid" is invalid: use 1-20 lowercase letters, digits or '-', starting with a letter`,
    );
  });
});
