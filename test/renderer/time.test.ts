// Reading and writing times in the zone the user chose: relative words, whole days and typed date-times.
import { afterEach, describe, expect, it } from 'vitest';
import { dayInZone, dayStartMs, displayZone, formatInstant, formatRelative, LOCAL_ZONE, setDisplayZone, typedTimeMs, zoneFor, zoneLabel } from '../../src-renderer/lib/time';

afterEach(() => setDisplayZone(LOCAL_ZONE));

describe('the display zone', () => {
  it('is UTC or the computer’s zone, as the user chose', () => {
    expect(zoneFor('utc')).toBe('UTC');
    expect(zoneFor('local')).toBe(LOCAL_ZONE);
    setDisplayZone('UTC');
    expect(displayZone()).toBe('UTC');
    expect(zoneLabel()).toBe('UTC');
  });

  it('reads days and typed date-times in UTC when chosen', () => {
    setDisplayZone('UTC');
    expect(dayStartMs('2026-03-29')).toBe(Date.UTC(2026, 2, 29));
    expect(typedTimeMs('2026-03-29T10:15')).toBe(Date.UTC(2026, 2, 29, 10, 15));
    expect(typedTimeMs('')).toBeUndefined();
    expect(typedTimeMs('not a time')).toBeUndefined();
    expect(dayInZone(0, Date.UTC(2026, 11, 6, 23, 30))).toBe('2026-12-06');
    expect(dayInZone(1, Date.UTC(2026, 11, 6, 23, 30))).toBe('2026-12-05');
    expect(formatInstant(Date.UTC(2026, 11, 6, 12, 0, 5))).toMatch(/UTC$/);
  });
});

describe('relative times', () => {
  const now = Date.UTC(2026, 11, 6, 12);
  it.each([
    [now - 10_000, 'just now'],
    [now - 5 * 60_000, '5 min ago'],
    [now - 3 * 3_600_000, '3 h ago'],
    [now - 86_400_000, '1 day ago'],
    [now - 3 * 86_400_000, '3 days ago'],
    [now + 5 * 60_000, 'in 5 min'],
  ])('%d reads %s', (ms, words) => {
    expect(formatRelative(ms, now)).toBe(words);
  });
});
