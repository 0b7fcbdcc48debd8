import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentUi, type AgentUiProps } from '../../infra/constructs/agent-ui';
import type { StatefulStack } from '../../infra/stateful-stack';
import { type StatelessStack, SUPPORT_GROUPS } from '../../infra/stateless-stack';
import { workflowConfig } from '../../shared/config';
import { stackPair, temporaryDirectories, writePrebuiltUi } from '../support/cdk';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = {
  Effect: string;
  Action: unknown;
  Principal?: unknown;
  Resource: unknown;
  Condition?: unknown;
};
type Behavior = Record<string, unknown> & { TargetOriginId: string };
type Origin = Record<string, unknown> & { Id: string };

/** Temporary directories of this file, removed at the end. */
const temporary = temporaryDirectories();
const tempDir = temporary.make;

/** A stand-in for `ui/dist`: what the tests deploy, so they do not depend on the state of the real UI. */
const prebuiltUi = () => writePrebuiltUi(tempDir('frontdoor-ui-dist-'));

let outdir: string;
let app: App;
let assembly: CloudAssembly;
let stateful: StatefulStack;
let stack: StatelessStack;
let template: Template;
let uiDist: string;

beforeAll(() => {
  // The stacks with no topology function: nothing to bundle with esbuild, the agent UI is all there is.
  outdir = tempDir('frontdoor-cdk-ui-');
  uiDist = prebuiltUi();
  // CloudFormation validation runs once per test run, on the whole app (agent UI included), in
  // stacks-nag.test.ts; cdk-nag runs here.
  app = new App({ outdir, context: { agentUiDist: uiDist }, builtinCloudFormationValidation: false });
  ({ stateful, stateless: stack } = stackPair(app, {
    stage: 'test',
    functions: [],
    supportAddress: 'support@example.com',
    ids: ['Frontdoor-Stateful', 'Frontdoor-Stateless'],
    withWakeUps: false,
  }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  assembly = app.synth();
  template = Template.fromStack(stack);
});

afterAll(() => {
  temporary.removeAll();
});

/** The logical id of the L1 resource behind the construct at `path` (relative to the stack). */
function logicalIdAt(path: string, scope: Stack = stack): string {
  const construct = path.split('/').reduce<IConstruct>((c, id) => c.node.findChild(id), scope);
  return scope.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

function resourceAt(path: string): Resource {
  return template.toJSON().Resources[logicalIdAt(path)] as Resource;
}

/** A CloudFormation value as text: `Fn::Join` joined, `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string; 'Fn::GetAtt'?: string[] };
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flatten).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  if (node['Fn::GetAtt']) return `<${node['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(value);
}

function distributionConfig(): {
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: Origin[];
  [key: string]: unknown;
} {
  return resourceAt('AgentUi/Distribution').Properties.DistributionConfig as ReturnType<
    typeof distributionConfig
  >;
}

function originOf(behavior: Behavior): Origin {
  const origin = distributionConfig().Origins.find((o) => o.Id === behavior.TargetOriginId);
  if (!origin) throw new Error(`no origin ${behavior.TargetOriginId}`);
  return origin;
}

function apiBehavior(): Behavior {
  const [api, ...others] = distributionConfig().CacheBehaviors;
  expect(others).toEqual([]);
  if (!api) throw new Error('the distribution has no /v1/* behaviour');
  return api;
}

/** `https://<Distribution.DomainName>/app/`, as the template writes it. */
function appUrl(): string {
  return `https://<${logicalIdAt('AgentUi/Distribution')}.DomainName>/app/`;
}

/** The two BucketDeployment custom resources: the hashed files, then the shell. */
function deployments(): { assets: Resource; shell: Resource; shellId: string; assetsId: string } {
  const assetsId = logicalIdAt('AgentUi/DeployAssets/CustomResource');
  const shellId = logicalIdAt('AgentUi/DeployApp/CustomResource');
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const assets = resources[assetsId];
  const shell = resources[shellId];
  if (!assets || !shell) throw new Error('the agent UI deployments are missing');
  return { assets, shell, assetsId, shellId };
}

/** The staged directory of the deployment source whose object key is `key`. */
function assetDir(key: unknown): string {
  return join(assembly.directory, `asset.${String(key).replace(/\.zip$/, '')}`);
}

describe('app bucket', () => {
  it('is private, TLS-only, S3-encrypted, unversioned, and logs access to the logs bucket', () => {
    const { Properties } = resourceAt('AgentUi/Bucket');
    expect(Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdAt('AgentUi/LogsBucket') },
        LogFilePrefix: 's3/',
      },
    });
    expect(Properties.VersioningConfiguration).toBeUndefined();
    expect(Properties.WebsiteConfiguration).toBeUndefined();
    const bucketArn = { 'Fn::GetAtt': [logicalIdAt('AgentUi/Bucket'), 'Arn'] };
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdAt('AgentUi/Bucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          },
        ]),
      },
    });
  });

  it('lets CloudFront read objects for this distribution only, through an origin access control (no OAI)', () => {
    const policy = Object.values(
      template.findResources('AWS::S3::BucketPolicy', {
        Properties: { Bucket: { Ref: logicalIdAt('AgentUi/Bucket') } },
      }),
    )[0] as Resource;
    const allows = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdAt('AgentUi/Bucket'), 'Arn'] }, '/*']] },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      },
    ]);
    const [oac] = allows as Array<{ Condition: { StringEquals: Record<string, unknown> } }>;
    const sourceArn = flatten(oac?.Condition.StringEquals['AWS:SourceArn']);
    expect(sourceArn).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${logicalIdAt('AgentUi/Distribution')}>`,
    );

    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        Name: 'frontdoor-test-agent-ui',
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    expect(originOf(distributionConfig().DefaultCacheBehavior)).toMatchObject({
      DomainName: { 'Fn::GetAtt': [logicalIdAt('AgentUi/Bucket'), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [logicalIdAt('AgentUi/OriginAccessControl'), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });
});

describe('distribution', () => {
  it('serves the bucket over HTTPS only, redirecting plain HTTP, with standard logs to the logs bucket', () => {
    const config = distributionConfig();
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
    });
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logicalIdAt('AgentUi/LogsBucket'), 'RegionalDomainName'] },
      IncludeCookies: false,
      Prefix: 'cloudfront/',
    });
    expect(resourceAt('AgentUi/LogsBucket').Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it('routes /v1/* to the HTTP API: HTTPS only, every method, never cached, every viewer header but Host', () => {
    const api = apiBehavior();
    expect(api).toMatchObject({
      PathPattern: '/v1/*',
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    const origin = originOf(api);
    expect(flatten(origin.DomainName)).toBe(
      `<${logicalIdAt('Api')}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`,
    );
    expect(origin.OriginPath).toBeUndefined();
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    // Custom error responses would turn the API's own 403/404 answers into index.html.
    expect(distributionConfig().CustomErrorResponses).toBeUndefined();
  });

  it('routes the app in a viewer-request function: /, /app → /app/; app routes → index.html; files as they are', () => {
    const [association, ...others] = distributionConfig().DefaultCacheBehavior.FunctionAssociations as Array<{
      EventType: string;
      FunctionARN: unknown;
    }>;
    expect(others).toEqual([]);
    expect(association).toEqual({
      EventType: 'viewer-request',
      FunctionARN: { 'Fn::GetAtt': [logicalIdAt('AgentUi/Routing'), 'FunctionARN'] },
    });
    expect(apiBehavior().FunctionAssociations).toBeUndefined();

    const { Properties } = resourceAt('AgentUi/Routing');
    expect(Properties).toMatchObject({
      Name: 'frontdoor-test-agent-ui-routing',
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      AutoPublish: true,
    });
    const handler = new Function(`${Properties.FunctionCode as string}\nreturn handler;`)() as (event: {
      request: { uri: string; querystring: Record<string, unknown> };
    }) => { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> };
    const route = (uri: string) => handler({ request: { uri, querystring: {} } });

    for (const uri of ['/', '/app']) {
      expect(route(uri), uri).toEqual({
        statusCode: 302,
        statusDescription: 'Found',
        headers: { location: { value: '/app/' } },
      });
    }
    for (const uri of ['/app/', '/app/tickets/FD-12', '/app/queues/billing']) {
      expect(route(uri).uri, uri).toBe('/app/index.html');
    }
    for (const uri of ['/app/assets/index-abc123.js', '/app/config.json', '/app/index.html']) {
      expect(route(uri).uri, uri).toBe(uri);
    }
    expect(route('/favicon.ico').statusCode).toBe(404);
    expect(route('/application').statusCode).toBe(404);
  });

  it('adds security headers to every response: HSTS, CSP, no framing, nosniff, no referrer', () => {
    const policyRef = { Ref: logicalIdAt('AgentUi/SecurityHeaders') };
    expect(distributionConfig().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    expect(apiBehavior().ResponseHeadersPolicyId).toEqual(policyRef);

    const { ResponseHeadersPolicyConfig } = resourceAt('AgentUi/SecurityHeaders').Properties as {
      ResponseHeadersPolicyConfig: {
        Name: string;
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      };
    };
    expect(ResponseHeadersPolicyConfig.Name).toBe('frontdoor-test-agent-ui-security-headers');
    const headers = ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.ContentSecurityPolicy?.Override).toBe(true);

    const csp = flatten(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name, sources];
      }),
    );
    const cognito = `https://<${logicalIdAt('AgentUi/CognitoDomain')}>.auth.<AWS::Region>.amazoncognito.com`;
    expect(directives).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      // The API is same-origin (/v1/* on this distribution); the token endpoint is the hosted login's.
      'connect-src': ["'self'", cognito],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
    });
    expect(csp).not.toContain('unsafe');
  });
});

describe('sign-in', () => {
  it('gives the agent UI a public client: code grant only, no secret, callback and logout URL = the app URL', () => {
    const { Properties } = resourceAt('UserPool/AgentUiClient');
    expect(Properties).toMatchObject({
      UserPoolId: { Ref: logicalIdAt('UserPool') },
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect((Properties.CallbackURLs as unknown[]).map(flatten)).toEqual([appUrl()]);
    expect((Properties.LogoutURLs as unknown[]).map(flatten)).toEqual([appUrl()]);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
  });

  it('adds a hosted-login domain named after the stage and the account, and outputs it with the app URL', () => {
    expect(resourceAt('AgentUi/CognitoDomain').Properties).toEqual({
      UserPoolId: { Ref: logicalIdAt('UserPool') },
      Domain: { 'Fn::Join': ['', ['frontdoor-test-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 1,
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(flatten(outputs.AgentUiUrl?.Value)).toBe(appUrl());
    expect(flatten(outputs.CognitoDomain?.Value)).toBe(
      `<${logicalIdAt('AgentUi/CognitoDomain')}>.auth.<AWS::Region>.amazoncognito.com`,
    );
  });

  it('creates a queue-<id> group for every queue of the workflow config', () => {
    const queueGroups = Object.keys(workflowConfig.queues).map((id) => `queue-${id}`);
    expect(queueGroups).toContain('queue-billing');
    expect(SUPPORT_GROUPS).toEqual(expect.arrayContaining(queueGroups));
    for (const group of queueGroups) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: group,
        UserPoolId: { Ref: logicalIdAt('UserPool') },
      });
    }
  });
});

describe('deployment', () => {
  it('deploys config.json with the hosted-login domain, the client id, the app URL and the same-origin API', () => {
    const { shell } = deployments();
    const keys = shell.Properties.SourceObjectKeys as string[];
    const markers = shell.Properties.SourceMarkers as Array<Record<string, unknown>>;
    const index = keys.findIndex((key) => existsSync(join(assetDir(key), 'config.json')));
    expect(index).toBeGreaterThanOrEqual(0);
    let text = readFileSync(join(assetDir(keys[index]), 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers[index] ?? {})) {
      text = text.replaceAll(marker, flatten(value));
    }
    expect(JSON.parse(text)).toEqual({
      auth: {
        mode: 'cognito',
        domain: `<${logicalIdAt('AgentUi/CognitoDomain')}>.auth.<AWS::Region>.amazoncognito.com`,
        clientId: `<${logicalIdAt('UserPool/AgentUiClient')}>`,
        redirectUri: appUrl(),
        logoutUri: appUrl(),
        scopes: ['openid', 'email', 'profile'],
      },
      apiBaseUrl: `https://<${logicalIdAt('AgentUi/Distribution')}.DomainName>`,
    });
  });

  it('uploads the hashed files immutable and unpruned, then the shell, revalidated and pruned, under app/', () => {
    const { assets, shell, assetsId } = deployments();
    const bucket = { Ref: logicalIdAt('AgentUi/Bucket') };
    expect(assets.Properties).toMatchObject({
      DestinationBucketName: bucket,
      DestinationBucketKeyPrefix: 'app/',
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(shell.Properties).toMatchObject({
      DestinationBucketName: bucket,
      DestinationBucketKeyPrefix: 'app/',
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(shell.DependsOn).toContain(assetsId);
    // Both upload the build: the directory given as agentUiDist, as it is.
    const [uiKey] = assets.Properties.SourceObjectKeys as string[];
    expect((shell.Properties.SourceObjectKeys as string[])[0]).toBe(uiKey);
    expect(readFileSync(join(assetDir(uiKey), 'index.html'), 'utf8')).toBe(
      readFileSync(join(uiDist, 'index.html'), 'utf8'),
    );
  });

  it('runs the deployment handler with its own role (no managed policy) and a KMS-encrypted log group', () => {
    const roleId = logicalIdAt('AgentUi/DeploymentRole');
    const handlers = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } },
      }),
    ) as Resource[];
    expect(handlers).toHaveLength(1);
    expect(handlers[0]?.Properties.LoggingConfig).toEqual({
      LogGroup: { Ref: logicalIdAt('AgentUi/DeploymentLogs') },
    });
    expect(resourceAt('AgentUi/DeploymentRole').Properties.ManagedPolicyArns).toBeUndefined();
    expect(resourceAt('AgentUi/DeploymentLogs').Properties).toMatchObject({
      LogGroupName: '/frontdoor/test/agent-ui-deployment',
      KmsKeyId: stack.resolve(stateful.key.keyArn),
    });
    // No CloudFront invalidation (the shell is revalidated), so no cloudfront:* on Resource *.
    const policy = resourceAt('AgentUi/DeploymentRole/DefaultPolicy');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('cloudfront:');
  });
});

describe('synthesis', () => {
  it('raises no CDK warning or error annotation', () => {
    const annotations = Annotations.fromStack(stack);
    expect([
      ...annotations.findWarning('*', Match.anyValue()),
      ...annotations.findError('*', Match.anyValue()),
    ]).toEqual([]);
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    const written = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(written.pluginReports.flatMap((p) => p.violations)).toEqual([]);
  });

  it('acknowledges CloudFront’s geo restriction, WAF and TLS findings with reasons, and nothing else on it', () => {
    const acknowledged = stack.agentUi.distribution.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.map(([id]) => id.replace(/^.*(AwsSolutions-)/, '$1')).sort()).toEqual([
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
    ]);
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('UI build at synth time', () => {
  /** A stack with only what the construct needs, so each case stages its own UI asset. */
  function agentUi(props: Partial<AgentUiProps>): { ui: AgentUi; stack: Stack; outdir: string } {
    const unitOutdir = tempDir('frontdoor-cdk-ui-unit-');
    const small = new Stack(new App({ outdir: unitOutdir, builtinCloudFormationValidation: false }), 'Ui');
    const api = new HttpApi(small, 'Api');
    if (!api.defaultStage) throw new Error('no default stage');
    const ui = new AgentUi(small, 'AgentUi', {
      stage: 'unit',
      userPool: new UserPool(small, 'Pool'),
      apiStage: api.defaultStage,
      ...props,
    });
    return { ui, stack: small, outdir: unitOutdir };
  }

  /** A tiny Vite project (no imports in its config, so it builds from a temporary directory). */
  function viteProject(main: string, html = '<script type="module" src="/src/main.ts"></script>'): string {
    const dir = tempDir('frontdoor-ui-src-');
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'vite.config.ts'),
      `export default { root: ${JSON.stringify(dir)}, base: '/app/', logLevel: 'warn', build: { outDir: 'dist' } };\n`,
    );
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head>${html}</head><body></body></html>`);
    if (main) writeFileSync(join(dir, 'src', 'main.ts'), main);
    return dir;
  }

  it('builds the Vite project with its /app/ base into the deployed asset', () => {
    const { ui, outdir: unitOutdir } = agentUi({
      uiSourceDir: viteProject('document.title = "built by vite";'),
    });
    // Staged (built) when the construct is created, in the app's output directory.
    const asset = ui.node.findChild('DeployAssets').node.findChild('Asset1') as Asset;
    const dir = join(unitOutdir, asset.assetPath);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(
      /<script type="module" crossorigin src="\/app\/assets\/index-[\w-]+\.js"><\/script>/,
    );
    const [, script] = html.match(/src="\/app\/(assets\/[^"]+)"/) ?? [];
    expect(readFileSync(join(dir, script ?? 'missing'), 'utf8')).toContain('built by vite');
  });

  it('fails with the build’s own message when the UI does not build', () => {
    const broken = viteProject('', '<script type="module" src="/src/missing.ts"></script>');
    expect(() => agentUi({ uiSourceDir: broken })).toThrow(
      /the agent UI could not be built[\s\S]*missing\.ts/,
    );
  });

  it('fails clearly when there is no Vite project, or a prebuilt UI without index.html', () => {
    expect(() => agentUi({ uiSourceDir: tempDir('frontdoor-ui-empty-') })).toThrow(
      /the agent UI cannot be built: .*vite\.config\.ts does not exist/,
    );
    expect(() => agentUi({ prebuiltUiDir: tempDir('frontdoor-ui-empty-') })).toThrow(/has no index\.html/);
  });

  it('refuses a hosted-login domain prefix that Cognito would refuse', () => {
    expect(() => agentUi({ prebuiltUiDir: uiDist, domainPrefix: 'frontdoor-aws-agents' })).toThrow(
      /Cognito domain prefix "frontdoor-aws-agents" is invalid/,
    );
    expect(() => agentUi({ prebuiltUiDir: uiDist, domainPrefix: 'Frontdoor_UI' })).toThrow(/is invalid/);
    Template.fromStack(
      agentUi({ prebuiltUiDir: uiDist, domainPrefix: 'acme-support' }).stack,
    ).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-support' });
  });
});
