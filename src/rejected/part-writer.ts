// One part object: JSON Lines gzip-compressed as they come and streamed to S3 (multipart past 5 MiB), never held whole.
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** lib-storage's smallest part; with one part in flight an open object holds about this much memory. */
const PART_SIZE = 5 * 1024 * 1024;

export class PartWriter {
  /** Uncompressed bytes and lines written so far. */
  bytes = 0;
  lines = 0;
  /** The lowest checkpoint sequence number among the lines (Infinity: none carry one). */
  minSeq = Infinity;
  readonly openedAt: number;
  private readonly gzip: Gzip;
  private readonly upload: Upload;
  private readonly done: Promise<void>;
  private failure: unknown;
  private failed: Promise<never>;
  /** One wait for 'drain' shared by every writer that found the buffer full. */
  private draining: Promise<unknown> | undefined;

  constructor(client: S3Client, bucket: string, readonly key: string, now: number) {
    this.openedAt = now;
    this.gzip = createGzip();
    this.upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: this.gzip, ContentType: 'application/gzip' },
      queueSize: 1,
      partSize: PART_SIZE,
      leavePartsOnError: false,
    });
    this.done = this.upload.done().then(() => undefined);
    this.failed = this.done.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => {
        this.failure = error;
        this.gzip.destroy();
        throw error;
      },
    );
    // The failure surfaces through write() or finish(); never as an unhandled rejection.
    this.failed.catch(() => undefined);
  }

  /** Appends one line; waits while the upload is behind (backpressure), throws once the upload failed. */
  async write(line: string, seq?: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.bytes += Buffer.byteLength(line) + 1;
    this.lines += 1;
    if (seq !== undefined && seq < this.minSeq) this.minSeq = seq;
    if (!this.gzip.write(`${line}\n`) || this.draining) {
      this.draining ??= Promise.race([once(this.gzip, 'drain'), this.failed]).finally(() => (this.draining = undefined));
      await this.draining;
    }
  }

  /** Ends the object and resolves once S3 holds it whole. */
  async finish(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.gzip.end();
    await this.done;
  }

  /** Gives the object up: nothing of it becomes visible (a multipart upload is aborted). */
  async abort(): Promise<void> {
    await this.upload.abort().catch(() => undefined);
    this.gzip.destroy();
  }
}
