import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectEraserPort, ObjectStore } from '../use-cases/ports';

// Where the email use case keeps attachments is part of its port; the CDK grants read it from here too.

let client: S3Client | undefined;

/** Path-style addressing when an endpoint is configured (the local runtime serves `/local/s3/<bucket>/<key>`). */
export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return client;
}

/** The mail bucket: raw inbound MIME written by SES (or the local SMTP server), attachments we extract. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<Buffer> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`object ${key} has no body`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

/**
 * Objects deleted for good from the versioned mail bucket: every version and delete marker of each key
 * (a plain DeleteObject would leave the data as a noncurrent version for 30 days).
 */
export class S3ObjectEraser implements ObjectEraserPort {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async erase(keys: readonly string[]): Promise<number> {
    let erased = 0;
    for (const key of new Set(keys)) {
      const listed = await this.s3.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key }));
      const versions = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter(
        (v) => v.Key === key,
      );
      for (const v of versions)
        await this.s3.send(
          new DeleteObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(v.VersionId && v.VersionId !== 'null' ? { VersionId: v.VersionId } : {}),
          }),
        );
      if ((listed.Versions ?? []).some((v) => v.Key === key)) erased += 1;
    }
    return erased;
  }
}
