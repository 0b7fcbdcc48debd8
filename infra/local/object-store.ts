import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * A small S3 look-alike for the local runtime: path-style GetObject, HeadObject and PutObject under
 * `/local/s3/<bucket>/<key>`, files under `<DATA_DIR>/objects/<bucket>/<key>`. The handlers use the real
 * S3 client against it (AWS_ENDPOINT_URL_S3), so the code that reads mail in AWS is the code tested here.
 */
export class LocalObjectStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'objects');
    mkdirSync(this.root, { recursive: true });
  }

  /** The file for a bucket/key, refusing anything that would escape the store (`..`). */
  pathFor(bucket: string, key: string): string | undefined {
    const file = resolve(this.root, bucket, key);
    const rel = relative(this.root, file);
    if (rel.startsWith('..') || rel === '' || !/^[a-z0-9.-]{3,63}$/.test(bucket)) return undefined;
    return file;
  }

  put(bucket: string, key: string, body: Buffer, contentType = 'application/octet-stream'): void {
    const file = this.pathFor(bucket, key);
    if (!file) throw new Error(`invalid object key ${bucket}/${key}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    writeFileSync(`${file}.__meta.json`, JSON.stringify({ contentType }));
  }

  get(bucket: string, key: string): { body: Buffer; contentType: string; modified: Date } | undefined {
    const file = this.pathFor(bucket, key);
    if (!file) return undefined;
    try {
      const body = readFileSync(file);
      let contentType = 'application/octet-stream';
      try {
        contentType = (JSON.parse(readFileSync(`${file}.__meta.json`, 'utf8')) as { contentType: string })
          .contentType;
      } catch {
        // Written by hand or by an older runtime: octet-stream it is.
      }
      return { body, contentType, modified: statSync(file).mtime };
    } catch {
      return undefined;
    }
  }

  /** Deletes an object (and its content type); a key that is not there is fine, as in S3. */
  delete(bucket: string, key: string): void {
    const file = this.pathFor(bucket, key);
    if (!file) return;
    rmSync(file, { force: true });
    rmSync(`${file}.__meta.json`, { force: true });
  }

  /**
   * Serves `/local/s3/<bucket>/<key>` for GET, HEAD, PUT and DELETE, and `/local/s3/<bucket>?versions&prefix=<key>`
   * (ListObjectVersions of one key: the store keeps no versions, so an object is its one version `null`).
   */
  serve(
    method: string,
    path: string,
    body: Buffer,
    headers: Record<string, unknown>,
    res: ServerResponse,
    query: URLSearchParams = new URLSearchParams(),
  ): void {
    // `path` is what follows `/local/s3/`: `<bucket>/<key…>`, the key URL-encoded per segment.
    const [bucket = '', ...rest] = path.split('/');
    const key = rest.map((segment) => decodeURIComponent(segment)).join('/');
    if (method === 'GET' && key === '' && query.has('versions')) {
      this.listVersions(bucket, query.get('prefix') ?? '', res);
      return;
    }
    if (method === 'DELETE') {
      this.delete(bucket, key);
      res.writeHead(204);
      res.end();
      return;
    }
    if (method === 'PUT') {
      const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
      const payload = headers['content-encoding'] === 'aws-chunked' ? decodeAwsChunked(body) : body;
      this.put(bucket, key, payload, contentType);
      res.writeHead(200, { etag: `"${createHash('md5').update(payload).digest('hex')}"` });
      res.end();
      return;
    }
    const found = this.get(bucket, key);
    if (!found) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(
        method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${escapeXml(key)}</Key></Error>`,
      );
      return;
    }
    res.writeHead(200, {
      'content-type': found.contentType,
      'content-length': String(found.body.length),
      etag: `"${createHash('md5').update(found.body).digest('hex')}"`,
      'last-modified': found.modified.toUTCString(),
    });
    res.end(method === 'HEAD' ? undefined : found.body);
  }

  private listVersions(bucket: string, key: string, res: ServerResponse): void {
    const found = key ? this.get(bucket, key) : undefined;
    const version = found
      ? `<Version><Key>${escapeXml(key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${found.modified.toISOString()}</LastModified><ETag>"${createHash('md5').update(found.body).digest('hex')}"</ETag><Size>${found.body.length}</Size><StorageClass>STANDARD</StorageClass></Version>`
      : '';
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(key)}</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${version}</ListVersionsResult>`,
    );
  }

  /** Where a raw inbound mail lives on disk, for people looking at `.data/`. */
  describe(bucket: string): string {
    return join(this.root, bucket);
  }
}

/** The streaming upload encoding newer SDKs may use: `<hex size>[;ext]\r\n<bytes>\r\n` … `0\r\n<trailers>`. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
