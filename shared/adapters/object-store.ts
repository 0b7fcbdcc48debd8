import type { ObjectEraserPort, ObjectStore } from '../use-cases/ports';
import { listedVersions, S3Requests } from './s3-requests';

// Where the email use case keeps attachments is part of its port; the CDK grants read it from here too.

let client: S3Requests | undefined;

/**
 * S3, through the SDK's signer and HTTP handler (s3-requests.ts); path style when an endpoint is configured
 * (the local runtime serves `/local/s3/<bucket>/<key>`). Nothing is read from the environment until the
 * first call.
 */
export function s3Client(): S3Requests {
  client ??= new S3Requests();
  return client;
}

/** The mail bucket: raw inbound MIME written by SES (or the local SMTP server), attachments we extract. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Requests,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<Buffer> {
    return (await this.s3.send({ method: 'GET', bucket: this.bucket, key })).body;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send({
      method: 'PUT',
      bucket: this.bucket,
      key,
      body,
      headers: { 'content-type': contentType },
    });
  }
}

/**
 * Objects deleted for good from the versioned mail bucket: every version and delete marker of each key
 * (a plain DeleteObject would leave the data as a noncurrent version for 30 days).
 */
export class S3ObjectEraser implements ObjectEraserPort {
  constructor(
    private readonly s3: S3Requests,
    private readonly bucket: string,
  ) {}

  async erase(keys: readonly string[]): Promise<number> {
    let erased = 0;
    for (const key of new Set(keys)) {
      const listed = listedVersions(
        (
          await this.s3.send({
            method: 'GET',
            bucket: this.bucket,
            key: '',
            query: { versions: null, prefix: key },
          })
        ).body.toString('utf8'),
      );
      const versions = [...listed.versions, ...listed.deleteMarkers].filter((v) => v.key === key);
      for (const v of versions)
        await this.s3.send({
          method: 'DELETE',
          bucket: this.bucket,
          key,
          ...(v.versionId && v.versionId !== 'null' ? { query: { versionId: v.versionId } } : {}),
        });
      if (listed.versions.some((v) => v.key === key)) erased += 1;
    }
    return erased;
  }
}
