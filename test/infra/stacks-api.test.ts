import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SUPPORT_GROUPS } from '../../infra/stateless-stack';
import { functions, httpRoutes, WAKE_UP_QUEUE } from '../../shared/topology';
import { exported, stateless, statelessId, synth } from '../support/stacks';

// The stateless stack's functions, HTTP API, user pool and outputs, in the app synthesised once for the
// run (test/support/stacks-global-setup.ts). One function's bundle is checked in bundle.test.ts.

describe('stateless stack', () => {
  it('deploys one Node.js 22 arm64 function per topology entry, traced, with its own log group', () => {
    // …and the agent UI's BucketDeployment handler (test/infra/agent-ui.test.ts).
    stateless.resourceCountIs('AWS::Lambda::Function', functions.length + 1);
    for (const spec of functions) {
      const logsId = statelessId(`${spec.name}-logs`);
      stateless.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `frontdoor-test-${spec.name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logsId } },
        // No runtime source maps: Node would parse the whole map at every cold start (tools/map-stack.ts).
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: Match.absent() }) },
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
      'table.name': exported('Table'),
      'bus.name': exported('Bus'),
      'bucket.name': exported('MailBucket'),
      'mail.supportAddress': 'support@example.com',
      'api.url': stateless.toJSON().Outputs.ApiUrl.Value,
      'secret.links': 'frontdoor/test/links',
      'wakeUps.group': 'frontdoor-test-wake-ups',
      'wakeUps.queueArn': exported(`${WAKE_UP_QUEUE}-queue`, 'Arn'),
      'wakeUps.roleArn': exported('WakeUpSchedulerRole', 'Arn'),
      'wakeUps.deadLetterArn': exported(`${WAKE_UP_QUEUE}-dlq`, 'Arn'),
      'stateMachine.approval': { Ref: statelessId('approval') },
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
    const authorizerId = statelessId('Api/CognitoJwt');
    const poolId = statelessId('UserPool');
    const clientId = statelessId('UserPool/AgentUiClient');

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
      'approver-privacy',
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
    const api = 'Frontdoor-Stateless/Api';
    for (const { path, id, reason } of synth.acknowledgments) {
      const onTheApi = path === api || path.startsWith(`${api}/`);
      if (onTheApi && id.endsWith('AwsSolutions-APIG4'))
        reasons.set(reason.split(' ').slice(0, 2).join(' '), reason);
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
