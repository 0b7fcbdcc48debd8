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
import { REPO_ROOT } from '../../infra/constructs/frontdoor-function';
import { SUPPORT_GROUPS } from '../../infra/stateless-stack';
import { tableDesign } from '../../shared/adapters/table-design';
import {
  functions,
  httpRoutes,
  INBOUND_MAIL_PREFIX,
  inboundMailConsumer,
  queueConsumers,
  queues,
  stateMachineFunctions,
  stateMachines,
  tableStreamConsumers,
  WAKE_UP_QUEUE,
} from '../../shared/topology';

/** Only resource types that always have Properties are read through this type. */
type Resource = { Type: string; Properties: Record<string, unknown> };
type PolicyStatement = {
  Effect?: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
};

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

/** The statements of the stateful stack's key policy. */
function keyPolicyStatements(): PolicyStatement[] {
  const keys = Object.values(stateful.findResources('AWS::KMS::Key')) as Resource[];
  expect(keys).toHaveLength(1);
  return keys.flatMap((key) => (key.Properties.KeyPolicy as { Statement: PolicyStatement[] }).Statement);
}

/** Logical ids behind `{ 'Fn::GetAtt': [id, …] }` values. */
function getAttIds(values: unknown[]): string[] {
  return values.map((v) => (v as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
}

/** A CloudFormation string value, `Fn::Join` joined and `Ref`s written `<Name>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flatten).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  return JSON.stringify(value);
}

function resourcesOf(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** The stateful stack's wake-up scheduling (schedule group, queue, DLQ, role). */
function wakeUps() {
  const { wakeUps } = built.stateful;
  if (!wakeUps) throw new Error('the stateful stack has no wake-up scheduling');
  return wakeUps;
}

/** The deployed state machine whose physical name is `frontdoor-test-<name>`. */
function stateMachineResource(name: string): Resource {
  const [machine, ...others] = resourcesOf(stateless, 'AWS::StepFunctions::StateMachine').filter(
    (r) => r.Properties.StateMachineName === `frontdoor-test-${name}`,
  );
  expect(others).toEqual([]);
  if (!machine) throw new Error(`no state machine frontdoor-test-${name}`);
  return machine;
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
    // … and the links secret.
    stateful.resourceCountIs('AWS::SecretsManager::Secret', sources.length + 1);
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
    // …and the agent UI's BucketDeployment handler (test/infra/agent-ui.test.ts).
    stateless.resourceCountIs('AWS::Lambda::Function', functions.length + 1);
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

  it('resolves env references: stateful names, the support address, the API URL, the links secret name, the wake-up scheduling', () => {
    const refs: Record<string, unknown> = {
      'table.name': built.stateless.resolve(built.stateful.table.tableName),
      'bus.name': built.stateless.resolve(built.stateful.bus.eventBusName),
      'bucket.name': built.stateless.resolve(built.stateful.mailBucket.bucketName),
      'mail.supportAddress': 'support@example.com',
      'api.url': built.stateless.resolve(built.stateless.apiStage.url),
      'secret.links': 'frontdoor/test/links',
      'wakeUps.group': 'frontdoor-test-wake-ups',
      'wakeUps.queueArn': built.stateless.resolve(wakeUps().queue.queueArn),
      'wakeUps.roleArn': built.stateless.resolve(wakeUps().role.roleArn),
      'wakeUps.deadLetterArn': built.stateless.resolve(wakeUps().deadLetterQueue.queueArn),
      'stateMachine.approval': built.stateless.resolve(
        built.stateless.stateMachines.get('approval')?.stateMachineArn,
      ),
    };
    for (const spec of functions) {
      const expected: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(spec.env)) {
        expected[name] = typeof value === 'string' ? value : refs[value.ref];
        expect(expected[name], `${spec.name} ${name}`).toBeDefined();
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
    expect(SUPPORT_GROUPS).toEqual([
      'agent',
      'lead',
      'queue-self_service',
      'queue-frontline',
      'queue-billing',
      'queue-specialists',
      'queue-security',
      'queue-escalation_desk',
      'queue-engineering',
      'approver-finance',
      'approver-finance-leads',
      'approver-security',
      'approver-success',
      'admin',
    ]);
  });

  it('outputs the API URL, user pool, client, table, bus, mail bucket, support address and rule set', () => {
    for (const output of [
      'ApiUrl',
      'PublicBaseUrl',
      'UserPoolId',
      'UserPoolClientId',
      'TableName',
      'EventBusName',
      'MailBucketName',
      'SupportAddress',
      'ApprovalStateMachineArn',
    ]) {
      stateless.hasOutput(output, {});
    }
    stateless.hasOutput('ReceiptRuleSetName', {
      Value: 'frontdoor-test',
      Description: Match.stringLikeRegexp(
        'aws ses set-active-receipt-rule-set --rule-set-name frontdoor-test',
      ),
    });
  });

  it('gives each kind of unauthenticated route its own reason for the APIG4 acknowledgment', () => {
    const reasons = new Map<string, string>();
    for (const route of built.stateless.api.node.findAll()) {
      for (const m of route.node.metadata.filter(
        (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
      )) {
        const reason = Object.entries(m.data as Record<string, string>).find(([id]) =>
          id.endsWith('AwsSolutions-APIG4'),
        )?.[1];
        if (reason) reasons.set(reason.split(' ').slice(0, 2).join(' '), reason);
      }
    }
    const none = httpRoutes().filter(({ trigger }) => trigger.auth === 'none');
    expect([...reasons.keys()].sort()).toEqual(
      none.map(({ trigger }) => `${trigger.method} ${trigger.path}`).sort(),
    );
    expect(reasons.get('POST /v1/webhooks/{source}')).toMatch(/HMAC-SHA256 signature/);
    expect(reasons.get('POST /v1/context/{token}')).toMatch(/signed, expiring token/);
    expect(reasons.get('GET /forms/context/{token}')).toMatch(/signed, expiring token/);
    expect(reasons.get('POST /v1/forms/{requestType}')).toMatch(/hosted form submission/);
    expect(reasons.get('GET /forms')).toMatch(/no customer data/);
  });
});

describe('queues', () => {
  it('creates each topology queue KMS-encrypted with the key, with a redrive DLQ after maxReceiveCount', () => {
    const keyArn = { 'Fn::GetAtt': [logicalIdAt(built.stateful, 'Key'), 'Arn'] };
    for (const spec of queues) {
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${spec.name}`,
        KmsMasterKeyId: keyArn,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdAt(built.stateful, `${spec.name}-dlq`), 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${spec.name}-dlq`,
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    }
    expect(queues.find((q) => q.name === 'notifications')?.maxReceiveCount).toBe(5);
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'frontdoor-test-notifications',
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it('puts the events of each subscription on its queue through a rule with retries and a DLQ', () => {
    for (const spec of queues) {
      const queueId = logicalIdAt(built.stateful, `${spec.name}-queue`);
      const rulesDlqId = logicalIdAt(built.stateful, `${spec.name}-rules-dlq`);
      spec.subscriptions.forEach((pattern, index) => {
        const ruleId = logicalIdAt(built.stateful, `${spec.name}-rule-${index}`);
        stateful.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: { Ref: logicalIdAt(built.stateful, 'Bus') },
          EventPattern: pattern,
          Targets: [
            {
              Id: Match.anyValue(),
              Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [rulesDlqId, 'Arn'] } },
              RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
            },
          ],
        });
        // EventBridge may send to the queue and to the rules' DLQ for this rule only.
        for (const id of [queueId, rulesDlqId]) {
          stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: id }],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
                Match.objectLike({
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Principal: { Service: 'events.amazonaws.com' },
                  Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
                }),
              ]),
            },
          });
        }
      });
    }
    expect(queues.find((q) => q.name === 'notifications')?.subscriptions).toContainEqual(
      expect.objectContaining({ 'detail-type': expect.arrayContaining(['ticket.created']) }),
    );
  });

  it('lets EventBridge use the key through SQS for Frontdoor’s queues only', () => {
    const statement = keyPolicyStatements().find(
      (s) => s.Sid === 'AllowEventBridgeToUseTheKeyForFrontdoorQueues',
    );
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
    expect(statement?.Condition?.StringEquals).toHaveProperty('kms:ViaService');
    expect(JSON.stringify(statement?.Condition?.ArnLike)).toContain(':frontdoor-test-*');
  });

  it('feeds each queue trigger to its function in batches, reporting partial batch failures', () => {
    expect(queueConsumers().length).toBeGreaterThan(0);
    for (const { fn, trigger, queue } of queueConsumers()) {
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: built.stateless.resolve(built.stateful.queues.get(queue.name)?.queueArn),
        FunctionName: { Ref: logicalIdAt(built.stateless, fn.name) },
        BatchSize: trigger.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    stateless.resourceCountIs(
      'AWS::Lambda::EventSourceMapping',
      queueConsumers().length + tableStreamConsumers().length,
    );
  });

  it('feeds the table stream to its consumers: entity filters, partial failures, bisection, retries, then a DLQ', () => {
    expect(tableStreamConsumers().map(({ fn }) => fn.name)).toEqual(['project-metrics', 'publish-events']);
    for (const { fn, trigger } of tableStreamConsumers()) {
      const dlqId = logicalIdAt(built.stateless, `${fn.name}-stream-dlq`);
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: built.stateless.resolve(built.stateful.table.tableStreamArn),
        FunctionName: { Ref: logicalIdAt(built.stateless, fn.name) },
        BatchSize: trigger.batchSize,
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
        FilterCriteria: {
          Filters: trigger.entities.map((entity) => ({
            Pattern: JSON.stringify({ dynamodb: { NewImage: { entity: { S: [entity] } } } }),
          })),
        },
      });
    }
  });
  it('puts ticket changes that may move a due moment on ticket-clock and SLA findings on escalations, each with its consumer', () => {
    const consumers = { [WAKE_UP_QUEUE]: 'run-ticket-clock', escalations: 'apply-escalations' } as const;
    for (const [queueName, consumerName] of Object.entries(consumers)) {
      const spec = queues.find((q) => q.name === queueName);
      if (!spec) throw new Error(`the topology has no ${queueName} queue`);
      const queueId = logicalIdAt(built.stateful, `${queueName}-queue`);
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${queueName}`,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdAt(built.stateful, `${queueName}-dlq`), 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
      stateful.hasResourceProperties('AWS::SQS::Queue', { QueueName: `frontdoor-test-${queueName}-dlq` });
      for (const pattern of spec.subscriptions) {
        stateful.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: pattern,
          Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } })],
        });
      }
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: built.stateless.resolve(built.stateful.queues.get(queueName)?.queueArn),
        FunctionName: { Ref: logicalIdAt(built.stateless, consumerName) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    const detailTypes = (name: string): unknown[] =>
      queues.find((q) => q.name === name)?.subscriptions.flatMap((p) => p['detail-type'] as unknown[]) ?? [];
    expect(detailTypes(WAKE_UP_QUEUE)).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.state_changed', 'ticket.priority_changed']),
    );
    expect(detailTypes('escalations')).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached']));
  });
});

describe('wake-ups (EventBridge Scheduler)', () => {
  const id = (path: string) => logicalIdAt(built.stateful, path);
  const arnOf = (path: string) => ({ 'Fn::GetAtt': [id(path), 'Arn'] });
  const queueArn = () => arnOf(`${WAKE_UP_QUEUE}-queue`);
  const deadLetterArn = () => arnOf(`${WAKE_UP_QUEUE}-dlq`);

  it('keeps the wake-ups in one schedule group of the stateful stack, retained with its pending schedules', () => {
    stateful.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    stateless.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    stateful.hasResource('AWS::Scheduler::ScheduleGroup', {
      Properties: { Name: 'frontdoor-test-wake-ups' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(wakeUps().groupName).toBe('frontdoor-test-wake-ups');
    // The schedules themselves are set at run time, one per ticket; none is deployed.
    for (const template of [stateful, stateless]) template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('sends them to the ticket-clock queue, which has a DLQ with an alarm and one consumer, run-ticket-clock', () => {
    expect(WAKE_UP_QUEUE).toBe('ticket-clock');
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'frontdoor-test-ticket-clock',
      RedrivePolicy: { deadLetterTargetArn: deadLetterArn(), maxReceiveCount: Match.anyValue() },
    });
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('wake-ups the scheduler could not send'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(`${WAKE_UP_QUEUE}-dlq`), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(
      queueConsumers()
        .filter(({ queue }) => queue.name === WAKE_UP_QUEUE)
        .map(({ fn }) => fn.name),
    ).toEqual(['run-ticket-clock']);
  });

  it('lets only this account’s EventBridge Scheduler assume the scheduler role, for the wake-up group only', () => {
    const role = stateful.findResources('AWS::IAM::Role')[id('WakeUpSchedulerRole')] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': arnOf('WakeUpScheduleGroup'),
            },
          },
        },
      ],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('lets the scheduler role send to the ticket-clock queue and its DLQ only, using the key through SQS for those two', () => {
    const statements = statementsOfRole(stateful, id('WakeUpSchedulerRole'));
    expect(actionsOf(statements).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:SendMessage']);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [queueArn(), deadLetterArn()] },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: arnOf('Key'),
        Condition: {
          StringEquals: { 'kms:ViaService': expect.anything() },
          ArnEquals: { 'kms:EncryptionContext:aws:sqs:arn': [queueArn(), deadLetterArn()] },
        },
      },
    ]);
    expect(flatten(statements[1]?.Condition?.StringEquals?.['kms:ViaService'])).toBe(
      'sqs.<AWS::Region>.<AWS::URLSuffix>',
    );
  });

  it('lets run-ticket-clock create and update schedules in the wake-up group only, and pass the scheduler role only, to the scheduler only', () => {
    const statements = statementsOfFunction('run-ticket-clock');
    const scheduling = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('scheduler:')));
    expect(scheduling).toEqual([
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        Resource: expect.anything(),
      },
    ]);
    expect(flatten(scheduling[0]?.Resource)).toBe(
      'arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/frontdoor-test-wake-ups/*',
    );
    const passing = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('iam:')));
    expect(passing).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: built.stateless.resolve(wakeUps().role.roleArn),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    expect(actionsOf(statements).filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it('gives scheduler and IAM rights to no function but those granted wakeUps:schedule', () => {
    for (const spec of functions) {
      const actions = actionsOf(statementsOfFunction(spec.name)).filter(
        (a) => a.startsWith('scheduler:') || a.startsWith('iam:'),
      );
      expect(actions.length > 0, spec.name).toBe(spec.grants.includes('wakeUps:schedule'));
    }
    expect(functions.filter((f) => f.grants.includes('wakeUps:schedule')).map((f) => f.name)).toEqual([
      'run-ticket-clock',
    ]);
  });
});

describe('state machines', () => {
  const LOG_DELIVERY = [
    'logs:CreateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:DescribeLogGroups',
    'logs:DescribeResourcePolicies',
    'logs:GetLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:UpdateLogDelivery',
  ];
  const TRACING = [
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'xray:PutTelemetryRecords',
    'xray:PutTraceSegments',
  ];

  it('deploys the approval workflow only: time-driven work is on the scheduler, no SLA timer is left', () => {
    expect(stateMachines.map((spec) => spec.name)).toEqual(['approval']);
    expect(
      resourcesOf(stateless, 'AWS::StepFunctions::StateMachine').map((r) => r.Properties.StateMachineName),
    ).toEqual(['frontdoor-test-approval']);
    expect([...built.stateless.stateMachines.keys()]).toEqual(['approval']);
  });

  it('deploys one Standard state machine per topology entry, named after the stage', () => {
    stateless.resourceCountIs('AWS::StepFunctions::StateMachine', stateMachines.length);
    for (const spec of stateMachines) {
      expect(stateMachineResource(spec.name).Properties.StateMachineType).toBe('STANDARD');
    }
  });

  it('deploys the ASL file as written, its placeholders bound to the deployed functions’ ARNs', () => {
    for (const spec of stateMachines) {
      const { Properties } = stateMachineResource(spec.name);
      const file = readFileSync(join(REPO_ROOT, spec.definition), 'utf8');
      expect(JSON.parse(Properties.DefinitionString as string)).toEqual(JSON.parse(file));
      expect(Properties.DefinitionS3Location).toBeUndefined();
      expect(Properties.DefinitionSubstitutions).toEqual(
        Object.fromEntries(
          stateMachineFunctions(spec).map(({ placeholder, fn }) => [
            placeholder,
            { 'Fn::GetAtt': [logicalIdAt(built.stateless, fn.name), 'Arn'] },
          ]),
        ),
      );
    }
  });

  it('logs every execution event, without execution data, to its own KMS-encrypted log group, and traces', () => {
    for (const spec of stateMachines) {
      const logsId = logicalIdAt(built.stateless, `${spec.name}-logs`);
      expect(stateMachineResource(spec.name).Properties).toMatchObject({
        LoggingConfiguration: {
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logsId, 'Arn'] } } }],
          IncludeExecutionData: false,
          Level: 'ALL',
        },
        TracingConfiguration: { Enabled: true },
      });
      stateless.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/vendedlogs/states/frontdoor-test-${spec.name}`,
        RetentionInDays: 30,
        KmsKeyId: built.stateless.resolve(built.stateful.key.keyArn),
      });
    }
  });

  it('is assumed by Step Functions of this account only', () => {
    for (const spec of stateMachines) {
      const roleId = logicalIdAt(built.stateless, `${spec.name}/Role`);
      const role = stateless.findResources('AWS::IAM::Role')[roleId] as Resource;
      expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Principal: { Service: 'states.amazonaws.com' },
            Condition: {
              ArnLike: { 'aws:SourceArn': expect.anything() },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ],
      });
      expect(stateMachineResource(spec.name).Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    }
  });

  it('uses Resource * for log delivery and X-Ray only', () => {
    for (const spec of stateMachines) {
      const starred = statementsOfRole(stateless, logicalIdAt(built.stateless, `${spec.name}/Role`)).filter(
        (s) => s.Resource === '*',
      );
      expect(actionsOf(starred).sort(), spec.name).toEqual([...LOG_DELIVERY, ...TRACING].sort());
    }
  });

  it('gives Step Functions rights to no function but those granted them', () => {
    const expected = (grants: readonly string[]) => [
      ...(grants.includes('approvals:start') ? ['states:StartExecution'] : []),
      ...(grants.includes('approvals:callback') ? TASK_RESPONSE : []),
    ];
    for (const spec of functions) {
      const actions = actionsOf(statementsOfFunction(spec.name)).filter((a) => a.startsWith('states:'));
      expect(actions.sort(), spec.name).toEqual(expected(spec.grants).sort());
    }
    expect(functions.filter((f) => f.grants.includes('approvals:start')).map((f) => f.name)).toEqual([
      'start-approval',
    ]);
  });

  it('leaves track-approval to its state machine: no event source, rule, route or resource policy', () => {
    const fnId = logicalIdAt(built.stateless, 'track-approval');
    const mentions = (type: string): Resource[] =>
      resourcesOf(stateless, type).filter((r) => JSON.stringify(r.Properties).includes(`"${fnId}"`));
    expect(mentions('AWS::Lambda::EventSourceMapping')).toEqual([]);
    expect(mentions('AWS::Lambda::Permission')).toEqual([]);
    expect(mentions('AWS::Events::Rule')).toEqual([]);
    expect(mentions('AWS::ApiGatewayV2::Integration')).toEqual([]);
  });

  it('outputs each state machine’s ARN', () => {
    stateless.hasOutput('ApprovalStateMachineArn', {
      Value: { Ref: logicalIdAt(built.stateless, 'approval') },
    });
  });
});

const TASK_RESPONSE = ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'];

describe('approval state machine', () => {
  const definition = () => JSON.parse(stateMachineResource('approval').Properties.DefinitionString as string);
  const machineArnByName = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':states:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':stateMachine:frontdoor-test-approval',
      ],
    ],
  };

  it('waits for the decision on a task token, with a timeout until the next reminder or expiry', () => {
    const await_ = definition().States.AwaitDecision;
    expect(await_).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${TrackApprovalFunctionArn}',
        Payload: { step: 'await', 'taskToken.$': '$$.Task.Token' },
      },
      TimeoutSecondsPath: '$.plan.timeoutSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Look' }],
    });
    expect(stateMachineResource('approval').Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'frontdoor-test-approval',
      DefinitionSubstitutions: {
        TrackApprovalFunctionArn: { 'Fn::GetAtt': [logicalIdAt(built.stateless, 'track-approval'), 'Arn'] },
      },
    });
  });

  it('lets its role invoke track-approval (that ARN alone) and put events on the bus, nothing more', () => {
    const scoped = statementsOfRole(stateless, logicalIdAt(built.stateless, 'approval/Role')).filter(
      (s) => s.Resource !== '*',
    );
    expect(actionsOf(scoped).sort()).toEqual(['events:PutEvents', 'lambda:InvokeFunction']);
    const invoke = scoped.find((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual({
      'Fn::GetAtt': [logicalIdAt(built.stateless, 'track-approval'), 'Arn'],
    });
  });

  it('lets start-approval start this state machine only, with its ARN in the env', () => {
    const machineRef = { Ref: logicalIdAt(built.stateless, 'approval') };
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'frontdoor-test-start-approval',
      Environment: { Variables: Match.objectLike({ APPROVAL_WORKFLOW_ARN: machineRef }) },
    });
    const states = statementsOfFunction('start-approval').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('states:')),
    );
    expect(states).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: machineRef }]);
  });

  it('lets decide-approval and track-approval answer this state machine’s task tokens, and no other function', () => {
    for (const name of ['decide-approval', 'track-approval']) {
      const states = statementsOfFunction(name)
        .filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')))
        .map((s) => ({ ...s, Action: actionsOf([s]).sort() }));
      expect(states, name).toEqual([{ Effect: 'Allow', Action: TASK_RESPONSE, Resource: machineArnByName }]);
    }
    expect(
      functions
        .filter((f) => f.grants.includes('approvals:callback'))
        .map((f) => f.name)
        .sort(),
    ).toEqual(['decide-approval', 'track-approval']);
  });

  it('starts from approval.requested through the approvals queue, whose rule target has a DLQ', () => {
    const rule = resourcesOf(stateful, 'AWS::Events::Rule').find(
      (r) =>
        JSON.stringify(r.Properties.EventPattern).includes('approval.requested') &&
        !JSON.stringify(r.Properties.EventPattern).includes('ticket.created'),
    );
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: expect.anything(),
      }),
    ]);
  });
});

describe('inbound mail', () => {
  const consumer = inboundMailConsumer();

  it('stores mail in a KMS-encrypted, versioned, private, TLS-only bucket with access logs, expiring raw mail', () => {
    const keyId = logicalIdAt(built.stateful, 'Key');
    stateful.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketName: Match.anyValue(),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
              BucketKeyEnabled: true,
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalIdAt(built.stateful, 'AccessLogsBucket') },
          LogFilePrefix: 'mail/',
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: INBOUND_MAIL_PREFIX, ExpirationInDays: 365, Status: 'Enabled' }),
          ]),
        },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('lets SES (this account only) put objects under inbound/ and use the key for this bucket through S3', () => {
    const bucketId = logicalIdAt(built.stateful, 'MailBucket');
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${INBOUND_MAIL_PREFIX}*`]] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
    const ses = keyPolicyStatements().filter((s) =>
      JSON.stringify(s.Principal).includes('ses.amazonaws.com'),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(ses[0]?.Condition?.StringEquals).toHaveProperty('kms:ViaService');
    expect(JSON.stringify(ses[0]?.Condition?.StringLike?.['kms:EncryptionContext:aws:s3:arn'])).toContain(
      ':s3:::frontdoor-test-mail-',
    );
  });

  it('has a receipt rule for the support address: S3 under inbound/, then the function, asynchronously', () => {
    expect(consumer?.name).toBe('receive-email');
    const fnId = logicalIdAt(built.stateless, consumer?.name ?? '');
    stateless.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    stateless.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'frontdoor-test' });
    stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: logicalIdAt(built.stateless, 'MailRuleSet') },
      Rule: {
        Enabled: true,
        Recipients: [built.supportAddress],
        ScanEnabled: true,
        Actions: [
          {
            S3Action: {
              BucketName: built.stateless.resolve(built.stateful.mailBucket.bucketName),
              ObjectKeyPrefix: INBOUND_MAIL_PREFIX,
            },
          },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, InvocationType: 'Event' } },
        ],
      },
    });
    expect(built.supportAddress).toBe('support@example.com');
    stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('retries the function twice, then sends the failed invocation to a DLQ', () => {
    const name = consumer?.name ?? '';
    stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdAt(built.stateless, name) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdAt(built.stateless, `${name}-dlq`), 'Arn'] } },
      },
    });
  });
});

describe('dead letters', () => {
  /** Every queue something sends its failures to: bus, rule targets, redrive policies, Lambda destinations. */
  function deadLetterQueueIds(template: Template): string[] {
    const arns: unknown[] = [];
    for (const bus of resourcesOf(template, 'AWS::Events::EventBus')) {
      arns.push((bus.Properties.DeadLetterConfig as { Arn: unknown }).Arn);
    }
    for (const rule of resourcesOf(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties.Targets as Array<{ DeadLetterConfig?: { Arn: unknown } }>) {
        expect(target.DeadLetterConfig, 'every rule target has a DLQ').toBeDefined();
        arns.push(target.DeadLetterConfig?.Arn);
      }
    }
    for (const queue of resourcesOf(template, 'AWS::SQS::Queue')) {
      const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined;
      if (redrive) arns.push(redrive.deadLetterTargetArn);
    }
    for (const mapping of resourcesOf(template, 'AWS::Lambda::EventSourceMapping')) {
      const onFailure = (
        mapping.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined
      )?.OnFailure;
      if (onFailure) arns.push(onFailure.Destination);
    }
    for (const config of resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')) {
      arns.push(
        (config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure
          .Destination,
      );
    }
    return [...new Set(getAttIds(arns))].sort();
  }

  it('gives every queue that is not a DLQ a redrive policy', () => {
    for (const template of [stateful, stateless]) {
      const dlqs = new Set(deadLetterQueueIds(template));
      for (const [id, queue] of Object.entries(template.findResources('AWS::SQS::Queue'))) {
        if (!dlqs.has(id)) expect((queue as Resource).Properties.RedrivePolicy, id).toBeDefined();
      }
    }
  });

  it('alarms on the first visible message of every DLQ', () => {
    for (const template of [stateful, stateless]) {
      const alarmed = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((alarm) => {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        const [dimension] = alarm.Properties.Dimensions as Array<{ Name: string; Value: unknown }>;
        expect(dimension?.Name).toBe('QueueName');
        return getAttIds([dimension?.Value])[0];
      });
      expect(alarmed.sort()).toEqual(deadLetterQueueIds(template));
    }
  });
});

describe('links secret', () => {
  it('is generated, KMS-encrypted and retained in the stateful stack', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        Name: 'frontdoor/test/links',
        KmsKeyId: { 'Fn::GetAtt': [logicalIdAt(built.stateful, 'Key'), 'Arn'] },
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('is readable by send-notification, supply-context, submit-csat and confirm-resolution only', () => {
    const linksArn = JSON.stringify(built.stateless.resolve(built.stateful.linksSecret.secretArn));
    const readers = functions
      .filter((spec) =>
        statementsOfFunction(spec.name).some(
          (s) =>
            actionsOf([s]).includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(s.Resource).includes(linksArn),
        ),
      )
      .map((spec) => spec.name);
    expect(readers.sort()).toEqual([
      'confirm-resolution',
      'send-notification',
      'submit-csat',
      'supply-context',
    ]);
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

  it('gives receive-webhook transactional writes and the webhook secrets, but no bus: its event goes through the outbox', () => {
    const actions = actionsOf(statementsOfFunction('receive-webhook'));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('events:PutEvents');
  });

  it('lets only publish-events, receive-event and the state machines put events on the bus', () => {
    const publishers = functions
      .filter((fn) => actionsOf(statementsOfFunction(fn.name)).includes('events:PutEvents'))
      .map((fn) => fn.name);
    expect(publishers.sort()).toEqual(['publish-events', 'receive-event']);
    expect(
      actionsOf(statementsOfFunction('publish-events')).filter((a) => a.startsWith('dynamodb:')),
    ).not.toContain('dynamodb:PutItem');
  });

  it('lets send-notification send mail only from the support address, and read no objects', () => {
    const statements = statementsOfFunction('send-notification');
    const ses = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
    expect(actionsOf(ses).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    for (const statement of ses) {
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'support@example.com' } });
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':identity/support@example.com');
      expect(resources).toContain(':identity/example.com');
      expect(resources).not.toContain('*');
    }
    expect(actionsOf(statements).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('lets receive-email read inbound mail and attachments and write attachments only, and send no mail', () => {
    const statements = statementsOfFunction('receive-email');
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject']));
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    const puts = JSON.stringify(statements.filter((s) => actionsOf([s]).includes('s3:PutObject')));
    expect(puts).toContain('/attachments/*');
    expect(puts).not.toContain(`/${INBOUND_MAIL_PREFIX}`);
    const gets = JSON.stringify(statements.filter((s) => actionsOf([s]).includes('s3:GetObject')));
    expect(gets).toContain(`/${INBOUND_MAIL_PREFIX}*`);
    // The roles name the bucket by its fixed name: the very name the stateful stack gives it.
    const [bucket] = Object.values(
      stateful.findResources('AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: Match.anyValue() },
      }),
    ) as Resource[];
    const objectArns = statements
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map(flatten);
    expect(objectArns).toContain(
      `arn:<AWS::Partition>:s3:::${flatten(bucket?.Properties.BucketName)}/${INBOUND_MAIL_PREFIX}*`,
    );
    expect(flatten(bucket?.Properties.BucketName)).toBe('frontdoor-test-mail-<AWS::AccountId>-<AWS::Region>');
  });

  it('gives S3 and SES rights only to functions granted objects or mail', () => {
    for (const spec of functions) {
      const actions = actionsOf(statementsOfFunction(spec.name));
      const objects = spec.grants.some((g) => g.startsWith('objects:'));
      expect(
        actions.some((a) => a.startsWith('s3:')),
        spec.name,
      ).toBe(objects);
      expect(
        actions.some((a) => a.startsWith('ses:')),
        spec.name,
      ).toBe(spec.grants.includes('mail:send'));
    }
  });

  it('uses no AWS managed policies and only X-Ray (and, for stream consumers, ListStreams) on Resource *', () => {
    for (const role of Object.values(stateless.findResources('AWS::IAM::Role')) as Resource[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const spec of functions) {
      const starred = statementsOfFunction(spec.name).filter((s) => s.Resource === '*');
      const stream = spec.triggers.some((t) => t.kind === 'table-stream') ? ['dynamodb:ListStreams'] : [];
      expect(actionsOf(starred).sort(), spec.name).toEqual(
        [...stream, 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
      );
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
