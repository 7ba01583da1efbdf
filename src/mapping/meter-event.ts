// Turns one record into a v2 meter event (event_name, string payload, identifier, RFC 3339 timestamp), or a rejection.
import * as crypto from 'node:crypto';
import type { Rejection } from '../core/rejection.js';

/** One event of a `POST /v2/billing/meter_event_stream` body. */
export interface MeterEvent {
  event_name: string;
  payload: Record<string, string>;
  identifier: string;
  timestamp?: string;
}

export type MeterEventResult = { ok: true; event: MeterEvent } | { ok: false; rejection: Rejection };

/** Stripe's limit on a meter event identifier. */
export const MAX_IDENTIFIER_LENGTH = 100;
/** Prefix of derived identifiers: the prefix and 64 hex characters make 78. */
export const DERIVED_IDENTIFIER_PREFIX = 'dst-stripe-me-';

const REQUIRED_PAYLOAD_KEYS = ['stripe_customer_id', 'value'] as const;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const UNIX_SECONDS = /^\d{1,12}(\.\d+)?$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Reads the record fields:
 * - `event_name` (required, non-empty string);
 * - `payload` (object; string, number and boolean values are sent as strings, null members dropped),
 *   and/or the flat fields `stripe_customer_id` and `value`, which fill those payload keys when the payload
 *   lacks them. The payload must end up holding a non-empty `stripe_customer_id` and a decimal `value`;
 * - `identifier` (optional string of at most 100 characters). When absent it is derived: the prefix plus the
 *   sha256 hex of the stream and the record's canonical JSON, so a re-run sends the same identifier and
 *   Stripe counts the event once. Two records equal in every field are therefore one event;
 * - `timestamp` (optional): Unix seconds (number or digit string) or a date string (read as UTC when it has
 *   no offset), sent as RFC 3339 UTC.
 * Rejections name the field and the rule, never the value.
 */
export function toMeterEvent(data: Record<string, unknown>, options: { stream: string }): MeterEventResult {
  const eventName = data['event_name'];
  if (typeof eventName !== 'string' || eventName.trim() === '') {
    return reject('event_name', 'is missing or not a non-empty string');
  }

  const payload: Record<string, string> = {};
  const rawPayload = data['payload'];
  if (rawPayload !== undefined && rawPayload !== null) {
    if (typeof rawPayload !== 'object' || Array.isArray(rawPayload)) return reject('payload', 'must be an object');
    for (const [key, value] of Object.entries(rawPayload)) {
      if (value === null || value === undefined) continue;
      const text = stringify(value);
      if (text === undefined) return reject(`payload.${key}`, 'must be a string, a finite number or a boolean');
      payload[key] = text;
    }
  }
  for (const key of REQUIRED_PAYLOAD_KEYS) {
    if (payload[key] !== undefined) continue;
    const flat = data[key];
    if (flat === null || flat === undefined) continue;
    const text = stringify(flat);
    if (text === undefined) return reject(key, 'must be a string, a finite number or a boolean');
    payload[key] = text;
  }
  const customer = payload['stripe_customer_id'];
  if (customer === undefined || customer.trim() === '') {
    return reject('payload.stripe_customer_id', 'is missing or empty (set payload.stripe_customer_id or stripe_customer_id)');
  }
  const value = payload['value'];
  if (value === undefined) return reject('payload.value', 'is missing (set payload.value or value)');
  if (!DECIMAL.test(value.trim())) return reject('payload.value', 'must be a decimal number');

  let identifier: string;
  const rawIdentifier = data['identifier'];
  if (rawIdentifier === undefined || rawIdentifier === null) {
    identifier = deriveIdentifier(options.stream, data);
  } else if (typeof rawIdentifier !== 'string' || rawIdentifier === '' || rawIdentifier.length > MAX_IDENTIFIER_LENGTH) {
    return reject('identifier', `must be a non-empty string of at most ${MAX_IDENTIFIER_LENGTH} characters`);
  } else {
    identifier = rawIdentifier;
  }

  const event: MeterEvent = { event_name: eventName, payload, identifier };
  const rawTimestamp = data['timestamp'];
  if (rawTimestamp !== undefined && rawTimestamp !== null) {
    const timestamp = toRfc3339(rawTimestamp);
    if (timestamp === undefined) return reject('timestamp', 'must be Unix seconds or a date string');
    event.timestamp = timestamp;
  }
  return { ok: true, event };
}

/** The end of the hashed text for the last stream seen (a stream's records come together). */
let suffixStream: string | undefined;
let suffix = '';

/**
 * `dst-stripe-me-` + sha256 hex of `canonicalJson({ v: 1, stream, record })`: stable across runs and key orders.
 * The text is built by `canonicalText`, which gives the same string as `canonicalJson` faster (it reuses the sorted key order of recent record shapes)
 * (this runs once per event on the high-throughput path).
 */
export function deriveIdentifier(stream: string, data: Record<string, unknown>): string {
  if (stream !== suffixStream) {
    suffixStream = stream;
    suffix = `,"stream":${JSON.stringify(stream)},"v":1}`;
  }
  const form = canonicalForm(data);
  // The sorted copy goes inside the wrapper object, so the hashed text comes out of one JSON.stringify, flat.
  const text = typeof form === 'string' ? `{"record":${form}${suffix}` : JSON.stringify({ record: form, stream, v: 1 });
  return `${DERIVED_IDENTIFIER_PREFIX}${sha256Hex(text)}`;
}

/**
 * The same output as `canonicalJson` (sorted keys, undefined members dropped, Dates as ISO, non-finite numbers as null).
 * A record of plain JSON values goes through one `JSON.stringify` with a property list: the sorted keys of every object
 * in it. The list decides the order of the members at every level, and keys an object lacks are skipped, so the output
 * is canonicalJson's, built natively as one flat string (no concatenation per member, which on the meter event path
 * was a fifth of the bytes allocated per event). The list is kept while the records' keys stay within it.
 */
export function canonicalText(value: unknown): string {
  const form = canonicalForm(value);
  return typeof form === 'string' ? form : JSON.stringify(form);
}

/** canonicalText's result, or (a plain record) a copy of the record that JSON.stringify turns into it. */
function canonicalForm(value: unknown): string | object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return canonicalByHand(value);
  if (propertyList === undefined || !plainWithin(value, propertyKeys)) {
    const keys = new Set<string>();
    if (!gatherPlainKeys(value, keys, 0) || keys.has('__proto__')) return canonicalByHand(value);
    propertyKeys = keys;
    propertyList = [...keys].sort();
    listHasIndexKeys = propertyList.some((key) => ARRAY_INDEX.test(key));
  }
  // A copy whose members were added in sorted order serialises on JSON.stringify's fast path (no replacer), about
  // three times faster. Objects list integer-like keys first whatever the insertion order, so those keep the list.
  return listHasIndexKeys ? JSON.stringify(value, propertyList) : (sortedCopy(value, propertyList) as object);
}

/** Keys an object keeps apart, in ascending numeric order, before its other keys. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
let listHasIndexKeys = false;

/** `value` with the members of each object added in `list` order (plain JSON values only, checked by plainWithin). */
function sortedCopy(value: unknown, list: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => sortedCopy(item, list));
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of list) {
    const member = source[key];
    // A listed name the object lacks reads undefined, or Object.prototype's method of that name: neither is a member.
    if (member === undefined || typeof member === 'function') continue;
    copy[key] = sortedCopy(member, list);
  }
  return copy;
}

/** The sorted keys of the last record shape (see canonicalText) and the same keys as a set. */
let propertyList: string[] | undefined;
let propertyKeys = new Set<string>();

/** Deeper than this, the plain-JSON check gives up and the record takes the hand-built path. */
const MAX_PLAIN_DEPTH = 32;

/** Whether `value` holds only JSON values (strings, finite or not numbers, booleans, null, arrays, plain objects) whose keys are all in `keys`. */
function plainWithin(value: object, keys: Set<string>, depth = 0): boolean {
  if (depth > MAX_PLAIN_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!plainMember(item, keys, depth)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!keys.has(key)) return false;
    if (!plainMember((value as Record<string, unknown>)[key], keys, depth)) return false;
  }
  return true;
}

function plainMember(member: unknown, keys: Set<string>, depth: number): boolean {
  switch (typeof member) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      return member === null || plainWithin(member, keys, depth + 1);
    default:
      return false;
  }
}

/** Adds the keys of every object in `value` to `keys`; false when it holds anything but JSON values. */
function gatherPlainKeys(value: object, keys: Set<string>, depth: number): boolean {
  if (depth > MAX_PLAIN_DEPTH) return false;
  const isArray = Array.isArray(value);
  if (!isArray && Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!isArray) keys.add(key);
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === 'object' && member !== null) {
      if (!gatherPlainKeys(member, keys, depth + 1)) return false;
    } else if (typeof member !== 'string' && typeof member !== 'number' && typeof member !== 'boolean' && member !== null) {
      return false;
    }
  }
  return true;
}

/** canonicalJson's text built member by member: values that are not plain JSON (Dates, undefined, bigints). */
function canonicalByHand(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) return JSON.stringify(value);
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalByHand(value[i]);
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const { sorted, quoted } = orderOf(Object.keys(record));
      let out = '{';
      let first = true;
      for (let i = 0; i < sorted.length; i += 1) {
        const member = record[sorted[i]!];
        if (member === undefined) continue;
        out += `${first ? '' : ','}${quoted[i]}:${canonicalByHand(member)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
}

/** One-shot `crypto.hash` (Node >= 20.12) skips the Hash object, about twice as fast for short text; createHash otherwise. */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

interface KeyOrder {
  keys: string[];
  sorted: string[];
  /** JSON.stringify of each sorted key. */
  quoted: string[];
}

/** The last few key lists seen: records of one stream share their keys, so sorting and quoting them is done once. */
const recentOrders: KeyOrder[] = [];

function orderOf(keys: string[]): KeyOrder {
  for (const order of recentOrders) {
    if (order.keys.length === keys.length && order.keys.every((key, i) => key === keys[i])) return order;
  }
  const sorted = [...keys].sort();
  const order = { keys, sorted, quoted: sorted.map((key) => JSON.stringify(key)) };
  if (keys.length <= 64) {
    recentOrders.unshift(order);
    if (recentOrders.length > 8) recentOrders.pop();
  }
  return order;
}

function stringify(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

function toRfc3339(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && UNIX_SECONDS.test(value.trim())) ms = Number(value.trim()) * 1000;
  else if (typeof value === 'string' && NO_OFFSET.test(value.trim())) ms = Date.parse(`${value.trim().replace(' ', 'T')}Z`);
  else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  return isoString(ms);
}

const MINUTE_MS = 60_000;
/** The minute (ms since the epoch) whose `YYYY-MM-DDTHH:MM:` prefix is cached: a sync's events mostly come in time order. */
let cachedMinute = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()` (undefined when out of range), without a Date for each event: the prefix up to the
 * minute is formatted once per minute, and the rest (`SS.mmmZ`, 7 characters) joined to it. A string of fewer than 13
 * characters is built flat, so the result is one two-part string instead of a chain of a dozen pieces held until the
 * batch is sent. Years before 1970 or after 9999 take the Date path.
 */
export function isoString(ms: number): string | undefined {
  const whole = Math.floor(ms);
  if (whole < 0 || whole >= 253_402_300_800_000) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const inMinute = whole % MINUTE_MS;
  const minute = whole - inMinute;
  if (minute !== cachedMinute) {
    cachedPrefix = new Date(minute).toISOString().slice(0, 17);
    cachedMinute = minute;
  }
  const millis = inMinute % 1000;
  const rest = `${two(Math.floor(inMinute / 1000))}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  return cachedPrefix + rest;
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

function reject(field: string, rule: string): MeterEventResult {
  return { ok: false, rejection: { code: 'validation_failed', reason: `Meter event field ${field} ${rule}.`, param: field } };
}
