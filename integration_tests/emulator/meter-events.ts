// Meter events: v2 stream sessions, the events they carry, v1 events, and identifier dedupe within 24 h.
import { ApiError, invalid } from './errors.js';
import { IdentifierStore } from './identifier-store.js';
import { newId, randomChars } from './ids.js';
import type { MeterEventCounts } from './types.js';

const dayMs = 24 * 3600 * 1000;
export const maxEventsPerRequest = 100;

interface Session {
  account: string;
  livemode: boolean;
  expiresAt: number;
}

export class MeterEvents {
  private readonly sessions = new Map<string, Session>();
  /** Per account: each identifier and when it was counted. */
  private readonly identifiers = new Map<string, IdentifierStore>();
  private counts: MeterEventCounts = { total: 0, duplicatesIgnored: 0, byEventName: {} };

  constructor(private readonly ttlSeconds: number, private readonly now: () => number = Date.now) {}

  openSession(account: string, livemode: boolean): Record<string, unknown> {
    const created = this.now();
    const expiresAt = created + this.ttlSeconds * 1000;
    const token = `mes_auth_${randomChars(24)}`;
    this.sessions.set(token, { account, livemode, expiresAt });
    return {
      object: 'v2.billing.meter_event_session',
      id: newId('mes_'),
      authentication_token: token,
      created: new Date(created).toISOString(),
      expires_at: new Date(expiresAt).toISOString(),
      livemode,
    };
  }

  /** The session of a bearer token, or a 401 when it is unknown or expired. */
  session(token: string | undefined): Session {
    const s = token ? this.sessions.get(token) : undefined;
    if (!s || s.expiresAt <= this.now()) {
      throw new ApiError(401, {
        type: 'invalid_request_error',
        code: 'billing_meter_event_session_expired',
        message: 'The meter event session authentication token is invalid or has expired. Create a new session with POST /v2/billing/meter_event_session.',
      });
    }
    return s;
  }

  /** Validates a v2 stream batch; throws a 400 naming the first problem. */
  checkStream(body: unknown): void {
    const events = (body as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) throw invalid('The request body must be a JSON object with an `events` array.', 'parameter_missing', 'events');
    if (events.length === 0) throw invalid('`events` must hold at least one event.', 'parameter_invalid', 'events');
    if (events.length > maxEventsPerRequest) {
      throw invalid(`Too many events: ${events.length} were sent, at most ${maxEventsPerRequest} are allowed per request.`, 'parameter_invalid', 'events');
    }
    events.forEach((e, i) => checkStreamEvent(e, i));
  }

  /** Counts a checked v2 stream batch; repeated identifiers are accepted but not counted. */
  acceptStream(account: string, body: unknown): void {
    for (const e of (body as { events: StreamEvent[] }).events) this.record(account, e.event_name, e.identifier);
  }

  /** Counts a v1 event; a repeated identifier is refused with 400. */
  acceptV1(account: string, eventName: string, identifier: string | undefined): string {
    const id = identifier ?? randomChars(24);
    if (this.seen(account, id)) {
      throw new ApiError(400, {
        type: 'invalid_request_error',
        code: 'resource_already_exists',
        param: 'identifier',
        message: `A meter event with identifier '${id}' already exists (identifiers must be unique within 24 hours).`,
      }, true);
    }
    this.record(account, eventName, id);
    return id;
  }

  private seen(account: string, identifier: string): boolean {
    const at = this.identifiers.get(account)?.countedAt(identifier);
    return at !== undefined && this.now() - at < dayMs;
  }

  private record(account: string, eventName: string, identifier: string | undefined): void {
    if (identifier !== undefined) {
      let ids = this.identifiers.get(account);
      if (!ids) this.identifiers.set(account, (ids = new IdentifierStore()));
      // One lookup per event: the stream carries up to 100 events per request, and a run may send millions.
      if (!ids.admit(identifier, this.now(), dayMs)) {
        this.counts.duplicatesIgnored++;
        return;
      }
    }
    this.counts.total++;
    this.counts.byEventName[eventName] = (this.counts.byEventName[eventName] ?? 0) + 1;
  }

  /** No argument: all counted events; an event name: its events; otherwise 1 if the identifier was counted. */
  count(identifierOrEventName?: string): number {
    if (identifierOrEventName === undefined) return this.counts.total;
    const byName = this.counts.byEventName[identifierOrEventName];
    if (byName !== undefined) return byName;
    for (const ids of this.identifiers.values()) if (ids.countedAt(identifierOrEventName) !== undefined) return 1;
    return 0;
  }

  snapshot(): MeterEventCounts {
    return { ...this.counts, byEventName: { ...this.counts.byEventName } };
  }

  clear(): void {
    this.sessions.clear();
    this.identifiers.clear();
    this.counts = { total: 0, duplicatesIgnored: 0, byEventName: {} };
  }
}

interface StreamEvent {
  event_name: string;
  payload: Record<string, string>;
  identifier?: string;
  timestamp?: string;
}

function checkStreamEvent(e: unknown, i: number): void {
  const at = (field: string): string => `events[${i}].${field}`;
  if (!e || typeof e !== 'object') throw invalid(`${`events[${i}]`} must be an object.`, 'parameter_invalid', `events[${i}]`);
  const ev = e as Record<string, unknown>;
  for (const key of Object.keys(ev)) {
    if (!['event_name', 'payload', 'identifier', 'timestamp'].includes(key)) throw invalid(`Received unknown parameter: ${at(key)}`, 'parameter_unknown', at(key));
  }
  if (typeof ev['event_name'] !== 'string' || !ev['event_name']) throw invalid(`Missing required param: ${at('event_name')}.`, 'parameter_missing', at('event_name'));
  const payload = ev['payload'];
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw invalid(`Missing required param: ${at('payload')}.`, 'parameter_missing', at('payload'));
  for (const [k, v] of Object.entries(payload)) {
    if (typeof v !== 'string') throw invalid(`${at(`payload.${k}`)} must be a string.`, 'parameter_invalid_string', at(`payload.${k}`));
  }
  for (const k of ['stripe_customer_id', 'value']) {
    if (!(k in payload)) throw invalid(`Missing required param: ${at(`payload.${k}`)}.`, 'parameter_missing', at(`payload.${k}`));
  }
  if (ev['identifier'] !== undefined && (typeof ev['identifier'] !== 'string' || ev['identifier'].length > 100)) {
    throw invalid(`${at('identifier')} must be a string of at most 100 characters.`, 'parameter_invalid_string', at('identifier'));
  }
  if (ev['timestamp'] !== undefined && (typeof ev['timestamp'] !== 'string' || Number.isNaN(Date.parse(ev['timestamp'])))) {
    throw invalid(`${at('timestamp')} must be an RFC 3339 timestamp.`, 'parameter_invalid', at('timestamp'));
  }
}
