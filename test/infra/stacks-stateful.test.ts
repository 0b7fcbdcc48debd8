import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPORT_ADDRESS } from '../../infra/build-app';
import { tableDesign } from '../../shared/adapters/table-design';
import { workflowConfig } from '../../shared/config';
import { functions, INBOUND_MAIL_PREFIX, inboundMailConsumer } from '../../shared/topology';
import {
  actionsOf,
  exported,
  keyPolicyStatements,
  stateful,
  statefulId,
  stateless,
  statelessId,
  statementsOfFunction,
} from '../support/stacks';

// The stateful stack (key, table, bus, secrets, mail bucket) and the stateless stack's side of inbound
// mail, in the app synthesised once for the run (test/support/stacks-global-setup.ts).

describe('stateful stack', () => {
  it('builds the table from tableDesign: string keys, each GSI with its projection (ticket indexes narrow), on-demand', () => {
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
        Projection:
          index.projection === 'all'
            ? { ProjectionType: 'ALL' }
            : index.projection === 'keys'
              ? { ProjectionType: 'KEYS_ONLY' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
      BillingMode: 'PAY_PER_REQUEST',
    });
    // The ticket indexes never copy a whole ticket: each revision would rewrite it in every index.
    const gsis = stateful.findResources('AWS::DynamoDB::Table') as Record<
      string,
      {
        Properties: {
          GlobalSecondaryIndexes: Array<{ IndexName: string; Projection: { ProjectionType: string } }>;
        };
      }
    >;
    const projections = Object.values(gsis)[0]?.Properties.GlobalSecondaryIndexes.map((g) => [
      g.IndexName,
      g.Projection.ProjectionType,
    ]);
    expect(projections).toEqual([
      ['gsi1-queue', 'INCLUDE'],
      ['gsi2-requester', 'KEYS_ONLY'],
      ['gsi3-assignee', 'KEYS_ONLY'],
      ['gsi4-approver', 'ALL'],
      ['gsi5-account', 'KEYS_ONLY'],
    ]);
  });

  it('protects the table: PITR, stream of new and old images, TTL, KMS with the key, retained', () => {
    const keyId = statefulId('Key');
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
    const keyId = statefulId('Key');
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
    const sources = Object.values(workflowConfig.webhookSources);
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

describe('links secret', () => {
  it('is generated, KMS-encrypted and retained in the stateful stack', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        Name: 'frontdoor/test/links',
        KmsKeyId: { 'Fn::GetAtt': [statefulId('Key'), 'Arn'] },
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('is readable by send-notification and the functions behind the links it signs only (forms, CSAT, resolution, "this solved it")', () => {
    const linksArn = JSON.stringify(exported('LinksSecret'));
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
      'show-article-solved',
      'show-context-form',
      'show-csat-survey',
      'show-resolution-question',
      'solve-with-article',
      'submit-csat',
      'supply-context',
    ]);
  });
});

describe('inbound mail', () => {
  const consumer = inboundMailConsumer();

  it('stores mail in a KMS-encrypted, versioned, private, TLS-only bucket with access logs, expiring raw mail', () => {
    const keyId = statefulId('Key');
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
          DestinationBucketName: { Ref: statefulId('AccessLogsBucket') },
          LogFilePrefix: 'mail/',
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: INBOUND_MAIL_PREFIX, ExpirationInDays: 365, Status: 'Enabled' }),
            Match.objectLike({ Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' }),
          ]),
        },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('lets SES (this account only) put objects under inbound/ and use the key for this bucket through S3', () => {
    const bucketId = statefulId('MailBucket');
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
    const fnId = statelessId(consumer?.name ?? '');
    stateless.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    stateless.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'frontdoor-test' });
    stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: statelessId('MailRuleSet') },
      Rule: {
        Enabled: true,
        Recipients: [DEFAULT_SUPPORT_ADDRESS],
        ScanEnabled: true,
        Actions: [
          {
            S3Action: {
              BucketName: exported('MailBucket'),
              ObjectKeyPrefix: INBOUND_MAIL_PREFIX,
            },
          },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, InvocationType: 'Event' } },
        ],
      },
    });
    expect(DEFAULT_SUPPORT_ADDRESS).toBe('support@example.com');
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
      FunctionName: { Ref: statelessId(name) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [statelessId(`${name}-dlq`), 'Arn'] } },
      },
    });
  });
});
