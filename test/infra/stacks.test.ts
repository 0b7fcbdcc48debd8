import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type FrontdoorApp } from '../../infra/build-app';
import { SUPPORT_GROUPS } from '../../infra/stateless-stack';
import { functions, httpRoutes } from '../../infra/topology';
import { tableDesign } from '../../shared/adapters/table-design';

/** Only resource types that always have Properties are read through this type. */
type Resource = { Type: string; Properties: Record<string, unknown> };
type PolicyStatement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

let outdir: string;
let built: FrontdoorApp;
let assembly: CloudAssembly;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'frontdoor-cdk-'));
  built = buildApp({ stage: 'test', appProps: { outdir } });
  // Bundles every function with esbuild and runs cdk-nag; throws with the report on an unsuppressed finding.
  assembly = built.app.synth();
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The logical id of the L1 resource behind the construct at `path` (relative to the stack). */
function logicalIdAt(stack: Stack, path: string): string {
  const construct = path.split('/').reduce<IConstruct>((scope, id) => scope.node.findChild(id), stack);
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Every statement of the policies attached to the role with this logical id. */
function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

function actionsOf(statements: readonly PolicyStatement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

function statementsOfFunction(name: string): PolicyStatement[] {
  const roleId = logicalIdAt(built.stateless, `${name}-role`);
  return statementsOfRole(stateless, roleId);
}

describe('stateful stack', () => {
  it('builds the table from tableDesign: string keys, every GSI projecting ALL, on-demand', () => {
    const gsiAttributes = tableDesign.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]);
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        [tableDesign.partitionKey, tableDesign.sortKey, ...gsiAttributes].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
      ),
      GlobalSecondaryIndexes: tableDesign.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('protects the table: PITR, stream of new and old images, TTL, KMS with the key, retained', () => {
    const keyId = logicalIdAt(built.stateful, 'Key');
    stateful.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('rotates the customer-managed key and keeps it', () => {
    stateful.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates the frontdoor-<stage> bus, encrypted with the key, with a DLQ and an encrypted archive', () => {
    const keyId = logicalIdAt(built.stateful, 'Key');
    stateful.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'frontdoor-test',
      KmsKeyIdentifier: { 'Fn::GetAtt': [keyId, 'Arn'] },
      DeadLetterConfig: { Arn: Match.anyValue() },
    });
    stateful.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'frontdoor-test',
      KmsKeyIdentifier: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('creates one KMS-encrypted, retained secret per configured webhook source, named as configured', () => {
    const sources = Object.values(built.config.webhookSources);
    stateful.resourceCountIs('AWS::SecretsManager::Secret', sources.length);
    for (const { secretName } of sources) {
      stateful.hasResource('AWS::SecretsManager::Secret', {
        Properties: Match.objectLike({
          Name: secretName,
          KmsKeyId: Match.anyValue(),
          GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
        }),
        DeletionPolicy: 'Retain',
      });
    }
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'frontdoor/webhooks/demo' });
  });
});

describe('stateless stack', () => {
  it('deploys one Node.js 22 arm64 function per topology entry, traced, with its own log group', () => {
    stateless.resourceCountIs('AWS::Lambda::Function', functions.length);
    for (const spec of functions) {
      const logsId = logicalIdAt(built.stateless, `${spec.name}-logs`);
      stateless.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `frontdoor-test-${spec.name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logsId } },
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
      stateless.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/frontdoor-test-${spec.name}`,
        RetentionInDays: 30,
        KmsKeyId: Match.anyValue(),
      });
    }
  });

  it('resolves env references to the stateful table and bus names', () => {
    const table = built.stateless.resolve(built.stateful.table.tableName);
    const bus = built.stateless.resolve(built.stateful.bus.eventBusName);
    for (const spec of functions) {
      const expected: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(spec.env)) {
        expected[name] = typeof value === 'string' ? value : value.ref === 'table.name' ? table : bus;
      }
      stateless.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `frontdoor-test-${spec.name}`,
        Environment: { Variables: Match.objectLike(expected) },
      });
    }
  });

  it('bundles each function as minified ESM with a require shim, a source map and the SDK inside', () => {
    for (const spec of functions) {
      const bundle = join(assetDirOf(spec.name), 'index.mjs');
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';const require = createRequire(")).toBe(
        true,
      );
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
    }
  });

  it('exposes every topology HTTP trigger as a route of one HTTP API', () => {
    stateless.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    stateless.resourceCountIs('AWS::ApiGatewayV2::Route', httpRoutes().length);
    for (const { trigger } of httpRoutes()) {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${trigger.method} ${trigger.path}`,
        AuthorizationType: trigger.auth === 'jwt' ? 'JWT' : 'NONE',
      });
    }
  });

  it('leaves the webhook route to the HMAC check and guards the agent API with the Cognito JWT authorizer', () => {
    const authorizerId = logicalIdAt(built.stateless, 'Api/CognitoJwt');
    const poolId = logicalIdAt(built.stateless, 'UserPool');
    const clientId = logicalIdAt(built.stateless, 'UserPool/AgentUiClient');

    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /v1/webhooks/{source}',
      AuthorizationType: 'NONE',
      AuthorizerId: Match.absent(),
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/tickets/{id}',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizerId },
    });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: poolId },
            ],
          ],
        },
      },
    });
  });

  it('logs every API request to a KMS-encrypted log group and throttles the stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });

  it('creates the agents’ user pool: invite only, strong passwords, TOTP MFA, threat protection', () => {
    stateless.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
    });
  });

  it('creates one Cognito group per support role', () => {
    stateless.resourceCountIs('AWS::Cognito::UserPoolGroup', SUPPORT_GROUPS.length);
    for (const group of SUPPORT_GROUPS) {
      stateless.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
    expect(SUPPORT_GROUPS).toEqual(['agent', 'lead', 'approver-finance', 'approver-security', 'admin']);
  });

  it('outputs the API URL, user pool, client, table and bus', () => {
    for (const output of ['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'EventBusName']) {
      stateless.hasOutput(output, {});
    }
  });
});

describe('least privilege', () => {
  const WRITES =
    /^(dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|ConditionCheckItem|PartiQL.*)|events:|secretsmanager:|sqs:|kms:(Encrypt|GenerateDataKey|ReEncrypt))/;

  it('gives get-ticket reads on the table and its named indexes, and nothing that writes', () => {
    const statements = statementsOfFunction('get-ticket');
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']));
    expect(actions.filter((a) => WRITES.test(a))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const indexResources = JSON.stringify(
      statements.filter((s) => actionsOf([s]).includes('dynamodb:Query')),
    );
    for (const { indexName } of tableDesign.globalSecondaryIndexes)
      expect(indexResources).toContain(`/index/${indexName}`);
    expect(indexResources).not.toContain('/index/*');
  });

  it('gives receive-webhook transactional writes, PutEvents on the bus and the webhook secrets', () => {
    const actions = actionsOf(statementsOfFunction('receive-webhook'));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'events:PutEvents',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('uses no AWS managed policies and only X-Ray on Resource *', () => {
    for (const role of Object.values(stateless.findResources('AWS::IAM::Role')) as Resource[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const spec of functions) {
      const starred = statementsOfFunction(spec.name).filter((s) => s.Resource === '*');
      expect(actionsOf(starred).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });
});

describe('synthesis', () => {
  it('raises no CDK warning or error annotation', () => {
    for (const stack of [built.stateful, built.stateless]) {
      const annotations = Annotations.fromStack(stack);
      expect([
        ...annotations.findWarning('*', Match.anyValue()),
        ...annotations.findError('*', Match.anyValue()),
      ]).toEqual([]);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unsuppressed finding', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('left a clean validation report in the cloud assembly (cdk-nag and CloudFormation validation)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
    };
    expect(
      report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName}: ${v.ruleName}`)),
    ).toEqual([]);
  });

  it('gives every acknowledgment a named AwsSolutions rule and a reason', () => {
    const acknowledgments = built.app.node
      .findAll()
      .flatMap((c: IConstruct) =>
        c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      )
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgments) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(reason.length, id).toBeGreaterThan(40);
    }
  });
});

/** The asset directory holding a function's bundle, found through its Code.S3Key. */
function assetDirOf(name: string): string {
  const fn = Object.values(stateless.findResources('AWS::Lambda::Function')).find(
    (r) => (r as Resource).Properties.FunctionName === `frontdoor-test-${name}`,
  ) as Resource;
  const key = (fn.Properties.Code as { S3Key: string }).S3Key;
  return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
}
