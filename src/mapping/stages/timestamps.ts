// ISO 8601 date-times and dates → Unix seconds, for Stripe's timestamp fields; date-times without offset read in a named IANA zone.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Unix seconds of an ISO 8601 text, or undefined when it is not one or names an impossible date or time.
 * A plain date is midnight UTC; a date-time without an offset is read in `zone` (at a daylight-saving
 * change, the earlier of two readings). Fractions of a second are dropped (Stripe keeps whole seconds).
 */
export function isoToUnixSeconds(text: string, zone: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (m[4] === undefined) return Date.UTC(year, month - 1, day) / 1000;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offset = m[8];
  let ms: number;
  if (offset === undefined) ms = zone === 'UTC' ? wall : zonedToUtc(wall, zone);
  else if (offset === 'Z' || offset === 'z') ms = wall;
  else {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (hours > 23 || minutes > 59) return undefined;
    ms = wall - sign * (hours * 60 + minutes) * 60_000;
  }
  return Math.floor(ms / 1000);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** UTC milliseconds of a wall-clock time (given as if it were UTC) in an IANA zone. */
function zonedToUtc(wall: number, zone: string): number {
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  return Math.min(first, second);
}

/** The zone's offset from UTC, in ms, at an instant. */
function offsetAt(instant: number, zone: string): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}
