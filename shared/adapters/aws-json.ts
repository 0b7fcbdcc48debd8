import { HttpRequest } from '@smithy/core/transport';
import type { AwsCredentialIdentityProvider, HttpResponse } from '@smithy/types';
import { AwsServiceError, regionFromEnvironment, type SignedAnswer, SignedRequests } from './signed-requests';

/*
 * AWS services that speak JSON (SES v2's and EventBridge Scheduler's REST-JSON, Secrets Manager's JSON 1.1),
 * called through ./signed-requests.ts instead of their SDK clients: Frontdoor makes one or two calls of each
 * (SendEmail; GetSecretValue; CreateSchedule and UpdateSchedule). test/adapters/aws-json.test.ts checks each
 * request against the one the SDK client signs.
 */

/** How a service is reached and signed. */
export interface AwsJsonServiceSpec {
  /** For messages: `SES`, `Secrets Manager`. */
  readonly name: string;
  /** The SigV4 signing name. */
  readonly signingName: string;
  /** The first label of its regional endpoint: `email` → https://email.<region>.amazonaws.com. */
  readonly endpointPrefix: string;
  /** The SDK's service-specific endpoint variable, as `AWS_ENDPOINT_URL_<this>` (e.g. `SESV2`). */
  readonly endpointVariable: string;
}

export const SES_V2: AwsJsonServiceSpec = {
  name: 'SES',
  signingName: 'ses',
  endpointPrefix: 'email',
  endpointVariable: 'SESV2',
};

export const SCHEDULER: AwsJsonServiceSpec = {
  name: 'EventBridge Scheduler',
  signingName: 'scheduler',
  endpointPrefix: 'scheduler',
  endpointVariable: 'SCHEDULER',
};

export const SECRETS_MANAGER: AwsJsonServiceSpec = {
  name: 'Secrets Manager',
  signingName: 'secretsmanager',
  endpointPrefix: 'secretsmanager',
  endpointVariable: 'SECRETS_MANAGER',
};

/** The methods the calls use (REST-JSON creates with POST and updates with PUT). */
export type JsonMethod = 'POST' | 'PUT';

export interface AwsJsonOptions {
  readonly region?: string;
  /** Unset: the service's regional endpoint, or what `AWS_ENDPOINT_URL_<service>` / `AWS_ENDPOINT_URL` say. */
  readonly endpoint?: URL;
  readonly credentials?: AwsCredentialIdentityProvider;
  readonly signingDate?: () => Date;
  readonly send?: (request: HttpRequest) => Promise<HttpResponse>;
}

/** The service's endpoint: configured, or `https://<prefix>.<region>.amazonaws.com` (`.com.cn` in China). */
export function serviceEndpoint(spec: AwsJsonServiceSpec, region: string): URL {
  const configured =
    process.env[`AWS_ENDPOINT_URL_${spec.endpointVariable}`] ?? process.env.AWS_ENDPOINT_URL ?? '';
  if (configured !== '') return new URL(configured);
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${spec.endpointPrefix}.${region}.${domain}`);
}

/** The error an answer carries, as the SDK's JSON protocols read it (header first, then body). */
export function jsonServiceError(
  spec: AwsJsonServiceSpec,
  { statusCode, headers, body }: SignedAnswer,
): AwsServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value !== null && typeof value === 'object') parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status names it.
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const named =
    text(headers['x-amzn-errortype']) || text(parsed.__type) || text(parsed.code) || text(parsed.Code);
  // `aws.protocoltests#Name:http://…` or `Name:http://internal.amazon.com/…`: the name alone.
  const code = named.split(':')[0]?.split('#').pop() || `Http${statusCode}`;
  const message = text(parsed.message) || text(parsed.Message) || `${spec.name} answered ${statusCode}`;
  return new AwsServiceError(code, statusCode, `${spec.name}: ${message}`);
}

export class AwsJsonService {
  private readonly signed: SignedRequests;
  private readonly region: () => string;

  constructor(
    private readonly spec: AwsJsonServiceSpec,
    private readonly options: AwsJsonOptions = {},
  ) {
    this.region = () => options.region ?? regionFromEnvironment(spec.name);
    this.signed = new SignedRequests({
      service: spec.signingName,
      region: this.region,
      credentials: options.credentials,
      signingDate: options.signingDate,
      send: options.send,
    });
  }

  /** The unsigned request: `input` as JSON, sent with `method` to `path` of the service's endpoint. */
  request(
    method: JsonMethod,
    path: string,
    headers: Readonly<Record<string, string>>,
    input: unknown,
  ): HttpRequest {
    const url = this.options.endpoint ?? serviceEndpoint(this.spec, this.region());
    const port = url.port ? Number(url.port) : undefined;
    const body = JSON.stringify(input);
    return new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(port !== undefined ? { port } : {}),
      path: `${url.pathname.replace(/\/$/, '')}${path}`,
      headers: {
        host: port !== undefined ? `${url.hostname}:${port}` : url.hostname,
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
  }

  /** The request signed, as of the signing clock (tests compare it with the SDK's). */
  sign(request: HttpRequest): Promise<HttpRequest> {
    return this.signed.sign(request);
  }

  /** Sends the call (retrying what the SDK retries) and reads the answer's JSON; errors name the service's code. */
  async call<T>(
    method: JsonMethod,
    path: string,
    headers: Readonly<Record<string, string>>,
    input: unknown,
  ): Promise<T> {
    const answer = await this.signed.send(this.request(method, path, headers, input), (a) =>
      jsonServiceError(this.spec, a),
    );
    const text = answer.body.toString('utf8');
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw new AwsServiceError(
        'SerializationException',
        answer.statusCode,
        `${this.spec.name}: the answer is not JSON`,
      );
    }
  }
}
