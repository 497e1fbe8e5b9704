// A typed time range is checked by the schema of the list it filters: each field's own sentence under it, and no
// half range sent while one is wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { fieldIssuesOf } from '../../src-shared/field-issues';
import { listAuditEventsInput } from '../../src-shared/schemas/audit';
import { listOrphansInput } from '../../src-shared/schemas/orphans';
import { LOCAL_ZONE, setDisplayZone } from '../../src-renderer/lib/time';
import { typedRange } from '../../src-renderer/lib/typed-range';

afterEach(() => setDisplayZone(LOCAL_ZONE));

const orphanRange = (from: string, to: string) =>
  typedRange({ from, to }, (createdFrom, createdTo) => fieldIssuesOf(listOrphansInput, { filters: { createdFrom, createdTo } }), {
    from: 'filters.createdFrom',
    to: 'filters.createdTo',
  });
const auditRange = (from: string, to: string) =>
  typedRange({ from, to }, (rangeFrom, rangeTo) => fieldIssuesOf(listAuditEventsInput, { filters: { from: rangeFrom, to: rangeTo } }), {
    from: 'filters.from',
    to: 'filters.to',
  });

describe('a typed time range', () => {
  it('reads both ends in the display zone when the list takes them', () => {
    setDisplayZone('UTC');
    expect(orphanRange('2026-03-01T00:00', '2026-03-02T12:30')).toEqual({ from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 2, 12, 30), errors: {}, wrong: false });
    expect(orphanRange('', '')).toMatchObject({ from: undefined, to: undefined, wrong: false });
  });

  it('puts the refinement about the end under the end, and sends no range', () => {
    setDisplayZone('UTC');
    const range = orphanRange('2026-03-02T00:00', '2026-03-01T00:00');
    expect(range).toMatchObject({ from: undefined, to: undefined, wrong: true });
    expect(range.errors).toEqual({ to: 'Created before must be after the start of the range.' });
  });

  it('names the start when the start is past what the app can show, not the end', () => {
    setDisplayZone('UTC');
    const range = orphanRange('+010000-01-01T00:00', '');
    expect(range.wrong).toBe(true);
    expect(range.errors).toEqual({ from: 'Created from must be on or before 30 December 9999.' });
    expect(auditRange('1969-12-31T00:00', '+010000-01-01T00:00').errors).toEqual({
      from: 'From must be on or after 1 January 1970.',
      to: 'To must be on or before 30 December 9999.',
    });
  });
});
