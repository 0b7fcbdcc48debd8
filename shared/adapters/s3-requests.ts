import { buildQueryString, escapeUriPath } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/core/transport';
import type { AwsCredentialIdentityProvider, HttpResponse } from '@smithy/types';
import { AwsServiceError, SignedRequests } from './signed-requests';

/*
 * The handful of S3 calls Frontdoor makes (get, put and delete an object, list one key's versions, presign a
 * download), signed and sent with the AWS SDK's own parts (./signed-requests.ts): signed exactly as the S3
 * client signs (S3 paths are escaped once, the payload is UNSIGNED-PAYLOAD).
 * Why not @aws-sdk/client-s3 (issue 21): its code alone — the model of every S3 operation, its endpoint
 * rules, checksums, XML codec — measured +160 KiB and +37 ms of module initialisation over a DynamoDB +
 * EventBridge handler, i.e. more than the 1.3× budget by itself, in each of the seven functions that touch
 * the mail bucket; these parts are already in every bundle for DynamoDB. What the client did that this does
 * not: other regions' redirects (the bucket is in the function's region), multipart uploads (objects here
 * are at most SES's 40 MB), flexible checksums (TLS and SigV4 cover integrity in transit).
 * test/adapters/s3-requests.test.ts checks the signature against AWS's published example and the presigned
 * URL against @aws-sdk/s3-request-presigner's.
 */

/** An error answer of S3, named by its XML `<Code>` (e.g. `NoSuchKey`, `AccessDenied`), as the SDK names them. */
export class S3RequestError extends AwsServiceError {}

/** Where requests go: S3's regional endpoint, or (AWS_ENDPOINT_URL_S3) a stand-in, path style. */
export interface S3Endpoint {
  readonly region: string;
  /** Unset: `https://<bucket>.s3.<region>.amazonaws.com`. */
  readonly url?: URL | undefined;
}

export interface S3RequestsOptions {
  readonly endpoint?: S3Endpoint;
  readonly credentials?: AwsCredentialIdentityProvider;
  /** A fixed signing time (tests). */
  readonly signingDate?: () => Date;
  /** Sends a signed request (tests replace it). */
  readonly send?: (request: HttpRequest) => Promise<HttpResponse>;
}

export interface S3Request {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'HEAD';
  readonly bucket: string;
  /** '' for a bucket-level call (ListObjectVersions). */
  readonly key: string;
  readonly query?: Record<string, string | null>;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
}

function endpointFromEnvironment(): S3Endpoint {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is required to reach S3');
  const configured = process.env.AWS_ENDPOINT_URL_S3;
  return { region, url: configured ? new URL(configured) : undefined };
}

/** XML's five entities and character references, as S3 escapes keys and messages in its answers. */
export function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}

/** The text of each `<name>…</name>` element directly in `xml` (S3's answers are flat in what is read here). */
export function xmlElements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

/** One key's versions and delete markers from a ListObjectVersions answer (`ListVersionsResult`). */
export function listedVersions(xml: string): {
  versions: Array<{ key: string; versionId: string }>;
  deleteMarkers: Array<{ key: string; versionId: string }>;
} {
  const entries = (element: string) =>
    xmlElements(xml, element).map((entry) => ({
      key: xmlText(xmlElements(entry, 'Key')[0] ?? ''),
      versionId: xmlText(xmlElements(entry, 'VersionId')[0] ?? 'null'),
    }));
  return { versions: entries('Version'), deleteMarkers: entries('DeleteMarker') };
}

export class S3Requests {
  private readonly endpoint: () => S3Endpoint;
  private readonly signed: SignedRequests;

  constructor(options: S3RequestsOptions = {}) {
    this.endpoint = () => options.endpoint ?? endpointFromEnvironment();
    this.signed = new SignedRequests({
      service: 's3',
      region: () => this.endpoint().region,
      credentials: options.credentials,
      signingDate: options.signingDate,
      send: options.send,
      s3: true,
    });
  }

  /** The unsigned request: virtual-hosted style on S3, path style on a configured endpoint. */
  request({ method, bucket, key, query = {}, headers = {}, body }: S3Request): HttpRequest {
    const { region, url } = this.endpoint();
    const hostname = url ? url.hostname : `${bucket}.s3.${region}.amazonaws.com`;
    const port = url?.port ? Number(url.port) : undefined;
    const base = url ? `${url.pathname.replace(/\/$/, '')}/${bucket}` : '';
    return new HttpRequest({
      method,
      protocol: url ? url.protocol : 'https:',
      hostname,
      ...(port !== undefined ? { port } : {}),
      path: `${base}/${escapeUriPath(key)}`,
      query,
      headers: {
        host: port !== undefined ? `${hostname}:${port}` : hostname,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        ...headers,
        ...(body ? { 'content-length': String(body.byteLength) } : {}),
      },
      ...(body ? { body } : {}),
    });
  }

  /** The request signed (SigV4, headers), as of the signing clock. */
  sign(request: HttpRequest): Promise<HttpRequest> {
    return this.signed.sign(request);
  }

  /** Sends one request, signed; the answer's body, or an `S3RequestError` naming S3's code. */
  async send(call: S3Request): Promise<{ statusCode: number; body: Buffer }> {
    const { statusCode, body } = await this.signed.send(this.request(call), ({ statusCode, body }) => {
      const text = body.toString('utf8');
      const code = xmlText(xmlElements(text, 'Code')[0] ?? '') || `Http${statusCode}`;
      const message = xmlText(xmlElements(text, 'Message')[0] ?? '') || `S3 answered ${statusCode}`;
      return new S3RequestError(code, statusCode, `${call.method} ${call.bucket}/${call.key}: ${message}`);
    });
    return { statusCode, body };
  }

  /** A GET URL anyone may use until it expires, signed as @aws-sdk/s3-request-presigner signs one. */
  async presignGet(bucket: string, key: string, expiresInSeconds: number): Promise<string> {
    const request = this.request({ method: 'GET', bucket, key, query: { 'x-id': 'GetObject' } });
    // Hoisted into the query under the name the SDK's presigner gives it.
    delete request.headers['x-amz-content-sha256'];
    request.headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
    const signed = await this.signed.signer().presign(request, {
      expiresIn: expiresInSeconds,
      signingDate: this.signed.signingDate(),
      unsignableHeaders: new Set(['content-type']),
    });
    const port = signed.port !== undefined ? `:${signed.port}` : '';
    return `${signed.protocol}//${signed.hostname}${port}${signed.path}?${buildQueryString(signed.query ?? {})}`;
  }
}
