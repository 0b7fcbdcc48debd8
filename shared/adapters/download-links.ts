import type { DownloadLinksPort } from '../use-cases/ports';
import type { S3Requests } from './s3-requests';

/**
 * Presigned S3 GET URLs on the mail bucket: the link carries the function's own (temporary) credentials'
 * signature, so whoever holds it may read that one object until it expires, and nothing else. Locally the
 * endpoint is the runtime's S3 stand-in (AWS_ENDPOINT_URL_S3, path style), which serves the same URL (it
 * reads the path and ignores the signature).
 */
export class S3DownloadLinks implements DownloadLinksPort {
  constructor(
    private readonly s3: S3Requests,
    private readonly bucket: string,
  ) {}

  link(key: string, expiresInSeconds: number): Promise<string> {
    return this.s3.presignGet(this.bucket, key, expiresInSeconds);
  }
}
