import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash, streamCollector } from '@smithy/core/serde';
import type { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, HttpResponse } from '@smithy/types';

/*
 * A call to an AWS service made with the SDK's own parts and nothing of its clients (issue 21): the SigV4
 * signer, the Node HTTP handler and the credential chain every bundle already has for DynamoDB. A service
 * client brings the model of every operation, its endpoint rules and its codec: S3's measured +160 KiB and
 * +37 ms of module initialisation, SES v2's and Secrets Manager's +100 KiB and +8 ms in send-notification,
 * Scheduler's +32 KiB and +3.5 ms in run-ticket-clock, for one or two calls each. Used by s3-requests.ts
 * (XML answers) and aws-json.ts (SES v2, Secrets Manager, EventBridge Scheduler); their tests check the
 * signed requests against AWS's example and the SDK clients' (test/adapters/).
 */

/** An error answer of an AWS service, named by its error code as the SDK names its exceptions. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** An answer: status, headers (lower-case names) and body. */
export interface SignedAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface SignedRequestsOptions {
  /** The signing name (`s3`, `ses`, `secretsmanager`, `scheduler`). */
  readonly service: string;
  readonly region: () => string;
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
  /** A fixed signing time (tests). */
  readonly signingDate?: (() => Date) | undefined;
  /** Sends a signed request (tests replace it). */
  readonly send?: ((request: HttpRequest) => Promise<HttpResponse>) | undefined;
  /** S3 only: paths are signed as sent (escaped once, not twice as for the other services). */
  readonly s3?: boolean;
}

/** Attempts for an answer the service says to retry, or a dropped connection, as the SDK's default. */
const ATTEMPTS = 3;

/** Error codes that mean "slow down" (the SDK's throttling list, the ones these services answer). */
const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
]);

/** Whether an error is worth another attempt: a 5xx, throttling, a dropped or timed-out connection. */
function retriable(e: unknown): boolean {
  if (e instanceof AwsServiceError)
    return e.statusCode >= 500 || e.statusCode === 429 || THROTTLING.has(e.code);
  return (
    e instanceof Error &&
    /ECONNRESET|ETIMEDOUT|EPIPE|TimeoutError|socket hang up/.test(`${e.name} ${e.message}`)
  );
}

/** The region the function runs in (Lambda sets AWS_REGION). */
export function regionFromEnvironment(service: string): string {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`AWS_REGION is required to reach ${service}`);
  return region;
}

export class SignedRequests {
  private readonly sendRequest: (request: HttpRequest) => Promise<HttpResponse>;
  /** The signing clock (fixed in tests). */
  readonly signingDate: () => Date;
  private http: NodeHttpHandler | undefined;
  private signerInstance: SignatureV4 | undefined;

  constructor(private readonly options: SignedRequestsOptions) {
    this.signingDate = options.signingDate ?? (() => new Date());
    this.sendRequest =
      options.send ??
      (async (request) => {
        this.http ??= new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 120_000 });
        return (await this.http.handle(request)).response;
      });
  }

  /** The signer, created on first use (the credential chain is read then, not at import). */
  signer(): SignatureV4 {
    this.signerInstance ??= new SignatureV4({
      service: this.options.service,
      region: this.options.region(),
      credentials: this.options.credentials ?? defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: !this.options.s3,
      applyChecksum: false,
    });
    return this.signerInstance;
  }

  /** The request signed (SigV4, headers), as of the signing clock. */
  async sign(request: HttpRequest): Promise<HttpRequest> {
    return (await this.signer().sign(request, { signingDate: this.signingDate() })) as HttpRequest;
  }

  /**
   * Sends `request` signed, again (signed anew) while the answer is retriable; a status ≥ 300 becomes the
   * error `errorOf` reads from the answer. Backs off with full jitter on 100, 200 ms, as the SDK does.
   */
  async send(
    request: HttpRequest,
    errorOf: (answer: SignedAnswer) => AwsServiceError,
  ): Promise<SignedAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.sendRequest(await this.sign(request));
        const body = Buffer.from(response.body ? await streamCollector(response.body) : new Uint8Array());
        const headers = Object.fromEntries(
          Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
        );
        const answer = { statusCode: response.statusCode, headers, body };
        if (response.statusCode < 300) return answer;
        throw errorOf(answer);
      } catch (e) {
        if (!retriable(e) || attempt >= ATTEMPTS) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
      }
    }
  }
}
