// Reads every object of a collection with list requests of 100, in parallel created-ranges once the account proves large.
import type { Send } from '../core/stripe-request.js';

export interface BulkReadOptions {
  send: Send;
  /** Collection path, e.g. /v1/customers. */
  path: string;
  /** Extra list parameters (e.g. `status=all` so subscriptions of every status are listed). */
  filters?: Record<string, string>;
  /** The list accepts `created[gte]`/`created[lt]`, so ranges can be read side by side. */
  createdRanges: boolean;
  /** Lists read at once once the account is large; default 4. */
  lanes?: number;
  /** Pages read one after the other before the read splits into ranges; default 4 (400 objects). */
  pagesBeforeSplit?: number;
  /** Each object as it arrives; `false` stops the whole read (the index is full). */
  onObject: (object: Record<string, unknown>) => boolean;
}

export type BulkReadResult =
  | { kind: 'complete'; objects: number; requests: number }
  | { kind: 'stopped'; objects: number; requests: number }
  | { kind: 'refused'; objects: number; requests: number; status?: number; code: string };

/** Stripe's oldest objects are from 2011: ranges stop splitting below this (2010-01-01). */
const FLOOR = 1_262_304_000;
/** Pages a split range is sized to hold, judged from the density read so far. */
const PAGES_PER_RANGE = 25;

interface Range {
  gte?: number;
  lt?: number;
  after?: string;
}

/**
 * The first `pagesBeforeSplit` pages are read in order (newest first). A larger account is then split
 * by `created`: the first lane goes on from its cursor down to a boundary, and the other lanes take
 * fixed-size older ranges one at a time; once a range comes back empty, or the ranges reach 2010, the
 * next lane takes everything older than the last boundary. Every object falls in exactly one range.
 */
export async function bulkRead(options: BulkReadOptions): Promise<BulkReadResult> {
  const lanes = Math.max(1, options.lanes ?? 4);
  const pagesBeforeSplit = Math.max(1, options.pagesBeforeSplit ?? 4);
  let objects = 0;
  let requests = 0;
  let stop: BulkReadResult | undefined;

  async function page(range: Range): Promise<{ data: Record<string, unknown>[]; hasMore: boolean } | undefined> {
    const query = new URLSearchParams({ limit: '100', ...options.filters });
    if (range.gte !== undefined) query.set('created[gte]', String(range.gte));
    if (range.lt !== undefined) query.set('created[lt]', String(range.lt));
    if (range.after !== undefined) query.set('starting_after', range.after);
    requests += 1;
    const outcome = await options.send({ method: 'GET', path: `${options.path}?${query.toString()}`, format: 'form' });
    if (stop) return undefined;
    if (outcome.kind === 'rejected') {
      stop = { kind: 'refused', objects, requests, status: outcome.status ?? outcome.rejection.status, code: outcome.rejection.code };
      return undefined;
    }
    const body = outcome.body as { data?: unknown; has_more?: unknown } | null;
    const data = Array.isArray(body?.data) ? (body.data as Record<string, unknown>[]) : [];
    for (const object of data) {
      objects += 1;
      if (!options.onObject(object)) {
        stop = { kind: 'stopped', objects, requests };
        return undefined;
      }
    }
    return { data, hasMore: body?.has_more === true && data.length > 0 };
  }

  /** Pages through one range to its end. */
  async function drain(range: Range): Promise<number> {
    let read = 0;
    for (let current = range; ; ) {
      const got = await page(current);
      if (!got) return read;
      read += got.data.length;
      if (!got.hasMore) return read;
      current = { ...current, after: String(got.data[got.data.length - 1]!['id']) };
    }
  }

  // The newest pages, one after the other: small accounts end here.
  let first: Range = {};
  let newest: number | undefined;
  for (let n = 0; n < pagesBeforeSplit; n += 1) {
    const got = await page(first);
    if (!got) return stop!;
    newest ??= createdOf(got.data[0]);
    if (!got.hasMore) return { kind: 'complete', objects, requests };
    const last = got.data[got.data.length - 1]!;
    first = { after: String(last['id']) };
    const oldest = createdOf(last);
    if (n === pagesBeforeSplit - 1 && lanes > 1 && options.createdRanges && newest !== undefined && oldest !== undefined) {
      return split(first.after!, oldest, Math.max(1, Math.ceil(((newest - oldest) / (n + 1)) * PAGES_PER_RANGE)));
    }
  }
  await drain(first);
  return stop ?? { kind: 'complete', objects, requests };

  async function split(after: string, oldest: number, size: number): Promise<BulkReadResult> {
    let boundary = oldest - size;
    let tailTaken = false;
    let emptySeen = false;
    const take = (): Range | undefined => {
      if (tailTaken || stop) return undefined;
      if (emptySeen || boundary - size < FLOOR) {
        tailTaken = true;
        return { lt: boundary };
      }
      const range = { gte: boundary - size, lt: boundary };
      boundary -= size;
      return range;
    };
    const worker = async (start?: Range): Promise<void> => {
      for (let range = start ?? take(); range && !stop; range = take()) {
        const read = await drain(range);
        if (read === 0) emptySeen = true;
      }
    };
    await Promise.all([worker({ gte: boundary, after }), ...Array.from({ length: lanes - 1 }, () => worker())]);
    return stop ?? { kind: 'complete', objects, requests };
  }
}

function createdOf(object: Record<string, unknown> | undefined): number | undefined {
  const created = object?.['created'];
  return typeof created === 'number' && Number.isInteger(created) ? created : undefined;
}
