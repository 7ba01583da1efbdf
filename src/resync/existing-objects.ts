// Per stream: read the account's objects once (on the stream's first record), then answer from memory.
import type { Send } from '../core/stripe-request.js';
import { bulkRead } from './bulk-read.js';
import { ExistingIndex } from './existing-index.js';
import type { ListPlan } from './list-params.js';
import { fieldNames } from './normalize.js';

/** Default `existing_objects.max_indexed_objects`: see docs/performance.md for the bytes per object behind it. */
export const DEFAULT_MAX_INDEXED_OBJECTS = 1_000_000;

export interface ExistingObjectsOptions {
  /** For log lines: the stream's name. */
  stream: string;
  /** The resource's plural name, e.g. `customers`. */
  resource: string;
  list: ListPlan;
  matchingKey: string;
  /** Compare records with their objects and skip the unchanged ones. */
  diff: boolean;
  maxObjects?: number;
  lanes?: number;
  log: (level: 'INFO' | 'WARN', text: string) => void;
  now?: () => number;
}

export interface ExistingObjects {
  readonly diff: boolean;
  /**
   * The stream's index, read on the first call: the first body's fields become the fields hashed per
   * object. Undefined when the read could not hold or list every object: records are then looked up one by one.
   */
  index(send: Send, firstBody: Record<string, unknown>): Promise<ExistingIndex | undefined>;
}

export function createExistingObjects(options: ExistingObjectsOptions): ExistingObjects {
  const now = options.now ?? (() => performance.now());
  const max = options.maxObjects ?? DEFAULT_MAX_INDEXED_OBJECTS;
  let pending: Promise<ExistingIndex | undefined> | undefined;

  async function read(send: Send, firstBody: Record<string, unknown>): Promise<ExistingIndex | undefined> {
    const started = now();
    const index = new ExistingIndex({ fields: fieldNames(firstBody), matchingKey: options.matchingKey });
    let listed = 0;
    const result = await bulkRead({
      send,
      path: options.list.path,
      filters: options.list.filters,
      createdRanges: options.list.createdRanges,
      lanes: options.lanes,
      onObject: (object) => {
        listed += 1;
        if (listed > max) return false;
        index.add(object);
        return true;
      },
    });
    const seconds = ((now() - started) / 1000).toFixed(1);
    const where = `Stream "${options.stream}"`;
    if (result.kind === 'complete') {
      options.log('INFO', `${where}: read ${listed} existing ${options.resource} in ${seconds} s (${result.requests} list request${result.requests === 1 ? '' : 's'}); records are matched against them${options.diff ? ' and unchanged ones are skipped' : ''}.`);
      return index;
    }
    if (result.kind === 'stopped') {
      options.log('WARN', `${where}: the account holds more than ${max} ${options.resource} (existing_objects.max_indexed_objects); each record's object is looked up with its own request instead (${seconds} s and ${result.requests} list requests spent).`);
      return undefined;
    }
    options.log('WARN', `${where}: listing ${options.resource} was refused (${result.status ?? 'no status'} ${result.code}); each record's object is looked up with its own request instead.`);
    return undefined;
  }

  return {
    diff: options.diff,
    index(send, firstBody) {
      pending ??= read(send, firstBody);
      return pending;
    },
  };
}
