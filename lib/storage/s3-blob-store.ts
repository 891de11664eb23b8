import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError } from '@/lib/errors';
import type { BlobSource, BlobStore, ByteRange, ListedBlob, PutOptions, StoredBlob } from './blob-store';
import { tooLargeMessage } from './limits';

const KEY = /^[0-9a-f]{32}$/;
// Multipart part size and parts in flight: memory per upload is about (QUEUE + 1) × PART.
const PART_SIZE = 8 << 20;
const QUEUE_SIZE = 4;
// DeleteObjects takes at most 1000 keys.
const DELETE_BATCH = 1000;
// Download chunks handed to the response, as the local driver's (a slow client holds about two).
const DOWNLOAD_CHUNK = 64 << 10;

export type S3Settings = {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key ('' or ending in '/'). */
  prefix: string;
};

function toIterable(source: BlobSource): AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in source ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
}

const statusOf = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const nameOf = (err: unknown) => (err as { name?: string; Code?: string })?.name ?? (err as { Code?: string })?.Code;
const isNotFound = (err: unknown) => statusOf(err) === 404 || ['NoSuchKey', 'NotFound'].includes(nameOf(err) ?? '');

/**
 * Blobs as objects in one bucket of S3-compatible storage (AWS S3, MinIO, Ceph RGW, R2, GCS's S3 API):
 * <prefix><key>. Uploads stream through lib-storage's multipart Upload (bounded memory) with the sha256
 * computed on the way; nothing is visible under a key until the upload completes, and an upload that
 * fails or is refused is aborted so no parts are kept.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;

  constructor(
    readonly settings: S3Settings,
    client?: S3Client,
  ) {
    this.client = client ?? new S3Client(clientConfig(settings));
  }

  objectKey(key: string): string {
    if (!KEY.test(key)) throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
    return this.settings.prefix + key;
  }

  async put(source: BlobSource, options: PutOptions): Promise<StoredBlob> {
    const key = crypto.randomBytes(16).toString('hex');
    const hash = crypto.createHash('sha256');
    let size = 0;
    const abort = new AbortController();
    const onAbort = () => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // The checks run as bytes pass: refused input throws inside the body, which fails the upload
    // before it completes, so the object never appears.
    let refused: unknown;
    async function* checked(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of toIterable(source)) {
          options.signal?.throwIfAborted();
          size += chunk.byteLength;
          if (size > options.maxBytes) throw new AppError('TOO_LARGE', tooLargeMessage(options.maxBytes));
          hash.update(chunk);
          yield chunk;
        }
        options.signal?.throwIfAborted();
        if (options.expectedSize !== undefined && size !== options.expectedSize) {
          throw new AppError('INVALID', `The upload was incomplete: ${size} of ${options.expectedSize} bytes arrived.`);
        }
      } catch (err) {
        refused ??= err;
        abort.abort(err);
        throw err;
      }
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.objectKey(key), Body: Readable.from(checked(), { objectMode: false }), ContentType: 'application/octet-stream' },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
      abortController: abort,
    });
    try {
      await upload.done();
      if (refused) throw refused;
      return { key, size, sha256: hash.digest('hex') };
    } catch (err) {
      // Whatever happened, nothing stays: lib-storage aborts a multipart upload; a single PUT that
      // may have landed (an abort racing its answer) is deleted.
      await this.delete(key).catch(() => {});
      throw refused ?? storeError(err, 'An upload');
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  createReadStream(key: string, range?: ByteRange): Readable {
    const getBody = () => this.getBody(key, range);
    async function* read(): AsyncGenerator<Uint8Array> {
      const body = await getBody();
      if (!body) throw Object.assign(new Error(`The stored blob ${key} is missing.`), { code: 'ENOENT' });
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } finally {
        body.destroy();
      }
    }
    return Readable.from(read(), { objectMode: false });
  }

  async openRead(key: string, range?: ByteRange, signal?: AbortSignal): Promise<ReadableStream<Uint8Array> | null> {
    const body = await this.getBody(key, range, signal);
    if (!body) return null;
    const it = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    const close = (): void => {
      body.destroy();
    };
    signal?.addEventListener('abort', close, { once: true });
    // Pull-based like the local driver: the response writer asks for the next chunk only once the
    // client took the last, and the object store's socket is paused meanwhile (TCP backpressure).
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            // Socket-sized pieces are gathered into chunks of about DOWNLOAD_CHUNK, as the local driver
            // reads them: fewer, larger writes through the response pipeline.
            const parts: Uint8Array[] = [];
            let size = 0;
            let done = false;
            while (size < DOWNLOAD_CHUNK) {
              const next = await it.next();
              if (next.done) {
                done = true;
                break;
              }
              parts.push(next.value);
              size += next.value.byteLength;
            }
            if (size > 0) controller.enqueue(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
            if (done) {
              close();
              controller.close();
            }
          } catch (err) {
            close();
            controller.error(err);
          }
        },
        cancel: close,
      },
      { highWaterMark: 0 },
    );
  }

  /** The object store's own response stream, piped as it arrives (TCP backpressure pauses the store's socket). */
  async openNodeRead(key: string, range?: ByteRange): Promise<Readable | null> {
    return this.getBody(key, range);
  }

  private async getBody(key: string, range?: ByteRange, signal?: AbortSignal): Promise<Readable | null> {
    const objectKey = this.objectKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        { abortSignal: signal },
      );
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw storeError(err, 'A download');
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const res = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.objectKey(k) })), Quiet: true } }),
      );
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) throw new Error(`Could not delete ${failed.length} blob(s): ${failed[0].Code} ${failed[0].Message ?? ''}`.trim());
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const objectKey = this.objectKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: objectKey }));
      return { size: Number(res.ContentLength ?? 0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw storeError(err, 'A lookup');
    }
  }

  async *list(): AsyncIterable<ListedBlob> {
    let token: string | undefined;
    const prefix = this.settings.prefix;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix || undefined, ContinuationToken: token }));
      for (const o of res.Contents ?? []) {
        const key = o.Key?.slice(prefix.length) ?? '';
        // Only objects this store wrote: anything else in the bucket is never touched.
        if (KEY.test(key)) yield { key, size: Number(o.Size ?? 0), mtimeMs: o.LastModified?.getTime() ?? Date.now() };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Aborts multipart uploads under this store's prefix started before `olderThanMs` ago: what an
   * instance that died mid-upload (or lost the object store mid-upload) left behind. Stores that do not
   * list multipart uploads (s3rver) answer NotImplemented: then 0, and a bucket lifecycle rule
   * (AbortIncompleteMultipartUpload) is the way.
   */
  async abortStaleUploads(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        const res = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.settings.bucket, Prefix: this.settings.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
        for (const u of res.Uploads ?? []) {
          if (!u.Key || !u.UploadId || !KEY.test(u.Key.slice(this.settings.prefix.length))) continue;
          if ((u.Initiated?.getTime() ?? 0) >= cutoff) continue;
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        }
        keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
        uploadIdMarker = res.IsTruncated ? res.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (err) {
      if (nameOf(err) === 'NotImplemented' || statusOf(err) === 501) return aborted;
      throw err;
    }
    return aborted;
  }

  /** HeadBucket: throws a StorageCheckError whose message says in one line what is wrong. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (err) {
      throw new StorageCheckError(describeCheckFailure(err, this.settings));
    }
  }

  /** A GET URL of the blob, signed for `expiresIn` seconds, answered with these headers. */
  async presignGet(key: string, opts: { expiresIn: number; contentDisposition: string; contentType: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: opts.contentDisposition,
      ResponseContentType: opts.contentType,
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresIn });
  }
}

export class StorageCheckError extends Error {}

function clientConfig(s: S3Settings): S3ClientConfig {
  return {
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.forcePathStyle,
    // Explicit keys, else the SDK's default chain (env, shared config, instance/task role).
    credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
    // Checksums only where the API requires them: several S3-compatible stores reject the SDK's
    // newer default (aws-chunked bodies with CRC32 trailers). Integrity is our own sha256 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Standard retries (3 attempts, backoff) cover 500, 503, SlowDown and dropped connections; an
    // unreachable endpoint fails within the connection timeout instead of hanging.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000 },
  };
}

/** Maps an object-store failure during a transfer to an answer: unavailable (503), logged once. */
function storeError(err: unknown, what: string): unknown {
  if (err instanceof AppError) return err;
  if ((err as Error)?.name === 'AbortError') return err;
  const status = statusOf(err);
  console.error(`Trove: ${what} to the object store failed: ${nameOf(err) ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${(err as Error)?.message?.slice(0, 200) ?? ''}`);
  return new AppError('UNAVAILABLE', 'The file storage is not answering right now, so nothing was saved. Try again later.');
}

function describeCheckFailure(err: unknown, s: S3Settings): string {
  const where = s.endpoint ? ` at ${s.endpoint}` : ` in region ${s.region}`;
  const status = statusOf(err);
  const name = nameOf(err) ?? '';
  const code = (err as { code?: string })?.code ?? '';
  if (name === 'CredentialsProviderError' || /credential/i.test((err as Error)?.message ?? '') && !status) {
    return `no S3 credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or configure the AWS SDK's default credential chain).`;
  }
  if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') return `the bucket "${s.bucket}" does not exist${where} (S3_BUCKET).`;
  if (status === 403) return `no permission to use the bucket "${s.bucket}"${where}: check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY and the bucket's policy.`;
  if (status === 301 || status === 400) return `the bucket "${s.bucket}" answered HTTP ${status}${where}: check S3_REGION, S3_ENDPOINT and S3_FORCE_PATH_STYLE.`;
  if (status) return `the object store${where} answered HTTP ${status} to HeadBucket on "${s.bucket}".`;
  const net = code || name;
  return `cannot reach the object store${where} (${net || 'no answer'}): check S3_ENDPOINT and that the server is running.`;
}
