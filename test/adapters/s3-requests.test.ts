import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { HttpRequest } from '@smithy/core/transport';
import type { HttpResponse } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listedVersions, S3RequestError, S3Requests, xmlText } from '../../shared/adapters/s3-requests';

// AWS's published example of a signed S3 GET (Amazon S3 API reference, "Signature calculations for the
// Authorization header: Transferring payload in a single chunk", example GET Object).
const EXAMPLE_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EXAMPLE_DATE = new Date('2013-05-24T00:00:00Z');

function answering(statusCode: number, body = '', seen: HttpRequest[] = []) {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    seen.push(request);
    return { statusCode, headers: {}, body: Readable.from([Buffer.from(body)]) } as HttpResponse;
  };
}

describe('S3Requests', () => {
  it("signs a GET exactly as AWS's published example (us-east-1, examplebucket/test.txt, bytes 0-9)", async () => {
    const s3 = new S3Requests({
      endpoint: { region: 'us-east-1', url: new URL('https://examplebucket.s3.amazonaws.com') },
      credentials: async () => EXAMPLE_CREDENTIALS,
      signingDate: () => EXAMPLE_DATE,
    });
    // The example addresses the bucket by its host; this adapter adds the bucket to a configured
    // endpoint's path, so the example's host is the endpoint and its path the key alone.
    const request = s3.request({
      method: 'GET',
      bucket: '',
      key: 'test.txt',
      headers: {
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    });
    request.path = '/test.txt';
    const signed = await s3.sign(request);
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('presigns a download link as @aws-sdk/s3-request-presigner does, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((k) => !k.startsWith('/')),
        fc.integer({ min: 1, max: 604_800 }),
        async (key, expiresIn) => {
          const ours = new S3Requests({
            endpoint: { region: 'eu-west-1' },
            credentials: async () => ({ ...EXAMPLE_CREDENTIALS, sessionToken: 'token/with+chars=' }),
            signingDate: () => EXAMPLE_DATE,
          });
          const sdk = new S3Client({
            region: 'eu-west-1',
            credentials: { ...EXAMPLE_CREDENTIALS, sessionToken: 'token/with+chars=' },
            // Without the SDK's flexible checksums (an empty body's CRC32, x-amz-checksum-mode), which the
            // links leave out: S3 checks a download's signature, not a checksum of its empty request body.
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          });
          const expected = await getSignedUrl(
            sdk,
            new GetObjectCommand({ Bucket: 'frontdoor-mail', Key: key }),
            {
              expiresIn,
              signingDate: EXAMPLE_DATE,
            },
          );
          expect(await ours.presignGet('frontdoor-mail', key, expiresIn)).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('addresses a configured endpoint path style, the key escaped once, and a key round-trips', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'grapheme' }), (key) => {
        const s3 = new S3Requests({
          endpoint: { region: 'eu-west-1', url: new URL('http://127.0.0.1:3000/local/s3') },
          credentials: async () => EXAMPLE_CREDENTIALS,
        });
        const request = s3.request({ method: 'GET', bucket: 'mail', key });
        expect(request.hostname).toBe('127.0.0.1');
        expect(request.headers.host).toBe('127.0.0.1:3000');
        expect(request.path.startsWith('/local/s3/mail/')).toBe(true);
        expect(decodeURIComponent(request.path.slice('/local/s3/mail/'.length))).toBe(key);
        expect(request.path).not.toMatch(/[^A-Za-z0-9\-._~/%]/);
      }),
    );
    const aws = new S3Requests({ endpoint: { region: 'eu-west-1' } });
    expect(aws.request({ method: 'GET', bucket: 'b', key: 'a b/c' })).toMatchObject({
      hostname: 'b.s3.eu-west-1.amazonaws.com',
      path: '/a%20b/c',
      protocol: 'https:',
    });
  });

  it("names an error answer by S3's code, and retries only what S3 says to retry", async () => {
    const error = (code: string) =>
      `<?xml version="1.0"?><Error><Code>${code}</Code><Message>It &amp; it</Message></Error>`;
    const seen: HttpRequest[] = [];
    const missing = new S3Requests({
      endpoint: { region: 'eu-west-1' },
      credentials: async () => EXAMPLE_CREDENTIALS,
      send: answering(404, error('NoSuchKey'), seen),
    });
    const refused = missing.send({ method: 'GET', bucket: 'b', key: 'k' });
    await expect(refused).rejects.toBeInstanceOf(S3RequestError);
    await expect(refused).rejects.toMatchObject({
      name: 'NoSuchKey',
      statusCode: 404,
      message: 'GET b/k: It & it',
    });
    expect(seen).toHaveLength(1);

    let calls = 0;
    const flaky = new S3Requests({
      endpoint: { region: 'eu-west-1' },
      credentials: async () => EXAMPLE_CREDENTIALS,
      send: async (request) => {
        calls += 1;
        return calls < 3 ? answering(503, error('SlowDown'))(request) : answering(200, 'body')(request);
      },
    });
    const answer = await flaky.send({ method: 'PUT', bucket: 'b', key: 'k', body: Buffer.from('x') });
    expect(answer.body.toString()).toBe('body');
    expect(calls).toBe(3);
  });

  it('sends a PUT with its length and type, signed, the payload unsigned as the SDK does over TLS', async () => {
    const seen: HttpRequest[] = [];
    const s3 = new S3Requests({
      endpoint: { region: 'eu-west-1' },
      credentials: async () => EXAMPLE_CREDENTIALS,
      send: answering(200, '', seen),
    });
    await s3.send({
      method: 'PUT',
      bucket: 'b',
      key: 'k',
      body: Buffer.from('hello'),
      headers: { 'content-type': 'text/plain' },
    });
    const sent = seen[0];
    expect(sent?.headers).toMatchObject({
      'content-length': '5',
      'content-type': 'text/plain',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
    expect(sent?.headers.authorization).toMatch(
      /SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date,/,
    );
  });
});

describe('listedVersions', () => {
  it("reads one key's versions and delete markers from a ListVersionsResult, entities decoded", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>a&amp;b</Prefix><IsTruncated>false</IsTruncated><Version><Key>a&amp;b</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest></Version><Version><Key>a&amp;b</Key><VersionId>null</VersionId></Version><DeleteMarker><Key>a&amp;b</Key><VersionId>m1</VersionId></DeleteMarker><Version><Key>a&amp;bc</Key><VersionId>v9</VersionId></Version></ListVersionsResult>`;
    expect(listedVersions(xml)).toEqual({
      versions: [
        { key: 'a&b', versionId: 'v2' },
        { key: 'a&b', versionId: 'null' },
        { key: 'a&bc', versionId: 'v9' },
      ],
      deleteMarkers: [{ key: 'a&b', versionId: 'm1' }],
    });
  });

  it('decodes every XML escape of any text', () => {
    const escaped = (s: string) =>
      [...s]
        .map(
          (c) =>
            ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ??
            (c === '\r' ? '&#xD;' : c),
        )
        .join('');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(xmlText(escaped(s))).toBe(s);
      }),
    );
  });
});
