/**
 * Date family: instants compared to the millisecond. Accepted forms (item 8): ISO 8601 date-time with a
 * zone (`Z` or `±hh:mm`), a date alone (midnight UTC), or integer epoch seconds. No wildcards (AWS agrees).
 * Parsed by hand rather than `Date.parse`, which accepts zone-less local times and rolls Feb 30 into March.
 */
import { orderedOperators } from './compare.js';

const EPOCH_SECONDS = /^-?\d{1,12}$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseInstant(raw: string): number | undefined {
  if (EPOCH_SECONDS.test(raw)) return Number(raw) * 1000;
  const m = ISO.exec(raw);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3)),
      om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  const ms = frac === '' ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

export const DATE_OPERATORS = orderedOperators(
  'Date',
  parseInstant,
  'an ISO 8601 date, date-time with a zone, or epoch seconds',
);
