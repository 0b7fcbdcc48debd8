import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadLinksPort } from '../use-cases/ports';

/**
 * Presigned S3 GET URLs on the mail bucket: the link carries the function's own (temporary) credentials'
 * signature, so whoever holds it may read that one object until it expires, and nothing else. Locally the
 * client's endpoint is the runtime's S3 stand-in (AWS_ENDPOINT_URL_S3, path style), which serves the same
 * URL (it reads the path and ignores the signature).
 */
export class S3DownloadLinks implements DownloadLinksPort {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  link(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
