import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDesign } from '../../shared/adapters/table-design';
import { functions, INBOUND_MAIL_PREFIX } from '../../shared/topology';
import {
  actionsOf,
  flatten,
  type Resource,
  stateful,
  stateless,
  statementsOfFunction,
} from '../support/stacks';

// Least privilege of the functions' execution roles, in the app synthesised once for the run
// (test/support/stacks-global-setup.ts).

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

  it('lets only publish-events, receive-event, intent-model, export-requester-data and the state machines put events on the bus', () => {
    const publishers = functions
      .filter((fn) => actionsOf(statementsOfFunction(fn.name)).includes('events:PutEvents'))
      .map((fn) => fn.name);
    // intent-model puts a lead's retraining request (no ticket, no table write to pair it with: a refused
    // put is the lead's 5xx) straight on the bus; export-requester-data asks for an export's build the same
    // way (a refused put marks the job failed and answers 5xx); every ticket event goes through the outbox.
    expect(publishers.sort()).toEqual([
      'export-requester-data',
      'intent-model',
      'publish-events',
      'receive-event',
    ]);
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
      const objects = spec.grants.some(
        (g) => g.startsWith('objects:') || g.startsWith('models:') || g.startsWith('exports:'),
      );
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

  it('lets the intake functions read, and only train-intent write, the intent models under models/intent/', () => {
    const s3 = (name: string) =>
      statementsOfFunction(name).filter((st) => actionsOf([st]).some((a) => a.startsWith('s3:')));
    for (const name of ['receive-webhook', 'submit-form']) {
      const statements = s3(name);
      expect(actionsOf(statements).sort(), name).toEqual(['s3:GetObject']);
      expect(JSON.stringify(statements.map((st) => st.Resource)), name).toContain('/models/intent/*');
    }
    const writes = s3('train-intent');
    expect(actionsOf(writes)).toContain('s3:PutObject');
    expect(actionsOf(writes)).not.toContain('s3:DeleteObject');
    expect(JSON.stringify(writes.map((st) => st.Resource))).toContain('/models/intent/*');
    const writers = functions
      .filter((fn) =>
        statementsOfFunction(fn.name).some(
          (st) =>
            actionsOf([st]).includes('s3:PutObject') && JSON.stringify(st.Resource).includes('models/intent'),
        ),
      )
      .map((fn) => fn.name);
    expect(writers).toEqual(['train-intent']);
  });

  it('lets build-export read attachments and write exports/ only, and the export API read exports/ only', () => {
    const s3 = (name: string) =>
      statementsOfFunction(name)
        .filter((st) => actionsOf([st]).some((a) => a.startsWith('s3:')))
        .map((st) => ({ actions: actionsOf([st]).sort(), resources: JSON.stringify(st.Resource) }));
    const build = s3('build-export');
    expect(build).toHaveLength(2);
    expect(build.find((st) => st.actions.includes('s3:PutObject'))?.resources).toContain('/exports/*');
    expect(build.find((st) => st.actions.includes('s3:GetObject'))?.resources).toContain('/attachments/*');
    expect(JSON.stringify(build)).not.toContain('/inbound/');
    const api = s3('export-requester-data');
    expect(api).toHaveLength(1);
    expect(api[0]?.actions).toEqual(['s3:GetObject']);
    expect(api[0]?.resources).toContain('/exports/*');
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
