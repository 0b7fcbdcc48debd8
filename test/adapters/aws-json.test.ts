import { Readable } from 'node:stream';
import { CreateScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { HttpRequest } from '@smithy/core/transport';
import type { HttpResponse } from '@smithy/types';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AwsJsonService,
  type AwsJsonServiceSpec,
  jsonServiceError,
  SCHEDULER,
  SECRETS_MANAGER,
  SES_V2,
  serviceEndpoint,
} from '../../shared/adapters/aws-json';
import { SEND_EMAIL_PATH, SesMailer, sendEmailInput } from '../../shared/adapters/mailer';
import { secretString, useSecretsManager } from '../../shared/adapters/secrets';
import { AwsServiceError } from '../../shared/adapters/signed-requests';
import { EventBridgeWakeUps, wakeUpSchedule } from '../../shared/adapters/wake-ups';
import type { OutgoingMail } from '../../shared/use-cases/ports';

// SES v2's SendEmail and Secrets Manager's GetSecretValue, made without their SDK clients (issue 21): each
// request against the one the SDK client builds and signs for the same input.

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+=',
};

/** What the SDK client sends for `send(client)`: its request as signed, through a handler that keeps it. */
async function sdkRequest(
  make: (config: object) => { send: (command: never) => Promise<unknown> },
  command: unknown,
): Promise<HttpRequest> {
  const seen: HttpRequest[] = [];
  const client = make({
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        seen.push(request);
        const body = Readable.from([Buffer.from('{"MessageId":"m-1","SecretString":"s"}')]);
        return { response: { statusCode: 200, headers: {}, body } };
      },
    },
  });
  await client.send(command as never);
  const [request] = seen;
  if (!request) throw new Error('the SDK sent nothing');
  return request;
}

const bodyText = (request: HttpRequest) =>
  typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);

/** Ours signs the SDK's own request (its headers and body) to the same signature, at the SDK's time. */
async function expectSameSignature(spec: AwsJsonServiceSpec, sdk: HttpRequest): Promise<void> {
  const date = sdk.headers['x-amz-date'] ?? '';
  const at = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const ours = new AwsJsonService(spec, {
    region: 'eu-west-1',
    credentials: async () => CREDENTIALS,
    signingDate: () => at,
  });
  const unsigned = sdk.clone();
  for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token']) delete unsigned.headers[name];
  expect((await ours.sign(unsigned)).headers.authorization).toBe(sdk.headers.authorization);
}

/** What the stand-in transport answers to a request (the `index`-th it saw). */
interface Reply {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** Our service over a stand-in transport that records each request in `seen` and answers with `reply`. */
function scriptedService(
  spec: AwsJsonServiceSpec,
  seen: HttpRequest[],
  reply: (request: HttpRequest, index: number) => Reply,
) {
  return new AwsJsonService(spec, {
    region: 'eu-west-1',
    credentials: async () => CREDENTIALS,
    send: async (request) => {
      seen.push(request);
      const { statusCode = 200, headers = {}, body } = reply(request, seen.length - 1);
      return { statusCode, headers, body: Readable.from([Buffer.from(body)]) } as HttpResponse;
    },
  });
}

/** Our service answering every request with `body` and `statusCode`. */
const ourService = (
  spec: AwsJsonServiceSpec,
  seen: HttpRequest[],
  body = '{"MessageId":"m-1"}',
  statusCode = 200,
) => scriptedService(spec, seen, () => ({ statusCode, body }));

const mail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  from: 'Support <support@example.com>',
  to: 'dana@bigcorp.example',
  subject: '[FD-12] Invoice wrong',
  text: 'We are on it.\n— Support',
  autoSubmitted: 'auto-replied',
  inReplyTo: 'orig-1@customer.example',
  references: ['orig-1@customer.example'],
  ...over,
});

afterEach(() => {
  vi.unstubAllEnvs();
  useSecretsManager(undefined);
});

describe('SES v2 SendEmail without the client', () => {
  it('sends what the SDK client sends (address, path, JSON) and signs as it signs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ subject: fc.string({ maxLength: 60 }), text: fc.string({ maxLength: 200 }) }),
        fc.boolean(),
        async ({ subject, text }, automatic) => {
          const outgoing = mail({ subject, text, ...(automatic ? {} : { autoSubmitted: undefined }) });
          const input = sendEmailInput(outgoing);
          const sdk = await sdkRequest(
            (c) => new SESv2Client(c),
            new SendEmailCommand(structuredClone(input) as never),
          );
          const seen: HttpRequest[] = [];
          const id = await new SesMailer(ourService(SES_V2, seen), 'eu-west-1').send(outgoing);
          expect(id).toBe('m-1@eu-west-1.amazonses.com');
          const [ours] = seen;
          expect(ours?.method).toBe(sdk.method);
          expect(ours?.hostname).toBe(sdk.hostname);
          expect(ours?.path).toBe(sdk.path);
          expect(ours?.path).toBe(SEND_EMAIL_PATH);
          expect(ours?.headers['content-type']).toBe(sdk.headers['content-type']);
          expect(JSON.parse(bodyText(ours as HttpRequest))).toEqual(JSON.parse(bodyText(sdk)));
          expect(ours?.headers.authorization).toMatch(
            /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
          );
          await expectSameSignature(SES_V2, sdk);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("names SES's refusal as the SDK names it, and does not retry it", async () => {
    const seen: HttpRequest[] = [];
    const ses = scriptedService(SES_V2, seen, () => ({
      statusCode: 400,
      headers: {
        'X-Amzn-ErrorType': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/',
      },
      body: '{"message":"Email address is not verified."}',
    }));
    const refused = new SesMailer(ses, 'eu-west-1').send(mail());
    await expect(refused).rejects.toMatchObject({ name: 'MessageRejected', statusCode: 400 });
    await expect(refused).rejects.toThrow('SES: Email address is not verified.');
    expect(seen).toHaveLength(1);
  });

  it('tries a throttled or failing send again, up to three times', async () => {
    const answers = [
      { statusCode: 429, body: '{"__type":"TooManyRequestsException","message":"slow down"}' },
      { statusCode: 500, body: 'not json' },
      { statusCode: 200, body: '{"MessageId":"m-3"}' },
    ];
    const seen: HttpRequest[] = [];
    const ses = scriptedService(SES_V2, seen, (_, i) => answers[i] ?? { statusCode: 500, body: '' });
    expect(await new SesMailer(ses, 'eu-west-1').send(mail())).toBe('m-3@eu-west-1.amazonses.com');
    expect(seen).toHaveLength(3);
  });
});

describe('Secrets Manager GetSecretValue without the client', () => {
  it('sends what the SDK client sends and signs as it signs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\w/+=.@-]{1,64}$/), async (name) => {
        const sdk = await sdkRequest(
          (c) => new SecretsManagerClient(c),
          new GetSecretValueCommand({ SecretId: name }),
        );
        const seen: HttpRequest[] = [];
        useSecretsManager(ourService(SECRETS_MANAGER, seen, '{"SecretString":"s3cr3t"}'));
        expect(await secretString(name)).toBe('s3cr3t');
        const [ours] = seen;
        expect([ours?.method, ours?.hostname, ours?.path]).toEqual([sdk.method, sdk.hostname, sdk.path]);
        for (const header of ['content-type', 'x-amz-target'])
          expect(ours?.headers[header], header).toBe(sdk.headers[header]);
        expect(JSON.parse(bodyText(ours as HttpRequest))).toEqual(JSON.parse(bodyText(sdk)));
        await expectSameSignature(SECRETS_MANAGER, sdk);
      }),
      { numRuns: 25 },
    );
  });

  it('keeps a secret five minutes, shares one fetch between concurrent callers, and keeps no failure', async () => {
    const seen: HttpRequest[] = [];
    useSecretsManager(ourService(SECRETS_MANAGER, seen, '{"SecretString":"v1"}'));
    const [a, b] = await Promise.all([secretString('link', 0), secretString('link', 1)]);
    expect([a, b, seen.length]).toEqual(['v1', 'v1', 1]);
    expect(await secretString('link', 299_999)).toBe('v1');
    expect(seen).toHaveLength(1);
    expect(await secretString('link', 300_000)).toBe('v1');
    expect(seen).toHaveLength(2);

    const failing: HttpRequest[] = [];
    useSecretsManager(
      ourService(
        SECRETS_MANAGER,
        failing,
        '{"__type":"ResourceNotFoundException","Message":"no such secret"}',
        400,
      ),
    );
    await expect(secretString('gone', 0)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(secretString('gone', 1)).rejects.toThrow('Secrets Manager: no such secret');
    expect(failing).toHaveLength(2);
  });

  it('answers undefined for a secret that holds binary only', async () => {
    useSecretsManager(ourService(SECRETS_MANAGER, [], '{"SecretBinary":"AAEC"}'));
    expect(await secretString('binary')).toBeUndefined();
  });
});

describe('EventBridge Scheduler UpdateSchedule and CreateSchedule without the client', () => {
  const target = {
    group: 'frontdoor-wake-ups',
    queueArn: 'arn:aws:sqs:eu-west-1:111122223333:ticket-clock',
    roleArn: 'arn:aws:iam::111122223333:role/scheduler',
    deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:ticket-clock-dlq',
  };

  it('sends what the SDK client sends (method, path, JSON but the random ClientToken) and signs as it signs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        fc.date({ min: new Date('2026-01-01'), max: new Date('2036-01-01'), noInvalidDate: true }),
        fc.boolean(),
        async (ticketId, at, exists) => {
          const { Name, ...body } = wakeUpSchedule(ticketId, at, target);
          const input = { Name, ...structuredClone(body) };
          const sdk = await sdkRequest(
            (c) => new SchedulerClient(c),
            exists ? new UpdateScheduleCommand(input as never) : new CreateScheduleCommand(input as never),
          );
          const seen: HttpRequest[] = [];
          // The schedule exists: one UpdateSchedule. It does not: UpdateSchedule answers 404, then CreateSchedule.
          const scheduler = scriptedService(SCHEDULER, seen, (request) =>
            !exists && request.method === 'PUT'
              ? {
                  statusCode: 404,
                  headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
                  body: '{"Message":"no schedule"}',
                }
              : { body: '{"ScheduleArn":"a"}' },
          );
          await new EventBridgeWakeUps(scheduler, target).schedule(ticketId, at);
          const ours = seen.at(-1) as HttpRequest;
          expect(seen).toHaveLength(exists ? 1 : 2);
          expect([ours.method, ours.hostname, ours.path]).toEqual([sdk.method, sdk.hostname, sdk.path]);
          expect(ours.headers['content-type']).toBe(sdk.headers['content-type']);
          const { ClientToken: oursToken, ...oursBody } = JSON.parse(bodyText(ours));
          const { ClientToken: sdkToken, ...sdkBody } = JSON.parse(bodyText(sdk));
          expect(oursBody).toEqual(sdkBody);
          expect([typeof oursToken, typeof sdkToken]).toEqual(['string', 'string']);
          await expectSameSignature(SCHEDULER, sdk);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('endpoints and errors', () => {
  it("reaches the service's regional endpoint, China's domain, or the configured one", () => {
    expect(serviceEndpoint(SES_V2, 'eu-west-1').href).toBe('https://email.eu-west-1.amazonaws.com/');
    expect(serviceEndpoint(SECRETS_MANAGER, 'cn-north-1').href).toBe(
      'https://secretsmanager.cn-north-1.amazonaws.com.cn/',
    );
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:4000');
    expect(serviceEndpoint(SES_V2, 'eu-west-1').href).toBe('http://127.0.0.1:4000/');
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', 'http://127.0.0.1:5000/local/ses');
    expect(serviceEndpoint(SES_V2, 'eu-west-1').href).toBe('http://127.0.0.1:5000/local/ses');
  });

  it('reads any answer as an error with a code and a message, never throwing while reading it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 599 }),
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        (statusCode, errorType, body) => {
          const e = jsonServiceError(SES_V2, {
            statusCode,
            headers: errorType === undefined ? {} : { 'x-amzn-errortype': errorType },
            body: Buffer.from(body),
          });
          expect(e).toBeInstanceOf(AwsServiceError);
          expect(e.code.length).toBeGreaterThan(0);
          expect(e.statusCode).toBe(statusCode);
          expect(e.message.startsWith('SES: ')).toBe(true);
        },
      ),
    );
  });
});
