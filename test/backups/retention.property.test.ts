// The retention policy over random backup histories (fast-check): a prune never removes one of the newest N, one
// younger than D days, the backup an operation just made, nor the last backup of a schema version; and it removes
// everything else, so the policy does keep the disk in check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupsToPrune, DAY_MS, versionKey, type RetainedBackup } from '../../src-main/backups/retention';

const NOW = Date.UTC(2026, 11, 6, 18, 0, 0);

const backupArb = fc.record({
  ageMs: fc.integer({ min: 0, max: 90 * DAY_MS }),
  kind: fc.constantFrom('schema', 'legacy', 'job', 'before-delete-orphans', 'before-delete-business'),
  schemaVersion: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

const historyArb = fc
  .array(backupArb, { maxLength: 60 })
  .map((items): RetainedBackup[] => items.map((item, i) => ({ name: `b${i}.db`, createdAt: NOW - item.ageMs, kind: item.kind, schemaVersion: item.schemaVersion })));

const policyArb = fc.record({ keepLast: fc.integer({ min: 1, max: 15 }), keepDays: fc.integer({ min: 0, max: 30 }) });

describe('the retention policy', () => {
  it('keeps the newest N, the young, the just-made and one of each version; removes the rest', () => {
    fc.assert(
      fc.property(historyArb, policyArb, fc.nat(), (history, policy, protectIndex) => {
        const justMade = history.length > 0 ? history[protectIndex % history.length]!.name : undefined;
        const removed = new Set(backupsToPrune(history, policy, NOW, new Set(justMade ? [justMade] : [])));
        const newestFirst = [...history].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
        const kept = newestFirst.filter((backup) => !removed.has(backup.name));

        expect([...removed].every((name) => history.some((backup) => backup.name === name))).toBe(true);
        newestFirst.slice(0, policy.keepLast).forEach((backup) => expect(removed.has(backup.name)).toBe(false));
        history.filter((backup) => NOW - backup.createdAt < policy.keepDays * DAY_MS).forEach((backup) => expect(removed.has(backup.name)).toBe(false));
        if (justMade) expect(removed.has(justMade)).toBe(false);
        const versions = new Set(history.map(versionKey));
        expect(new Set(kept.map(versionKey))).toEqual(versions);

        // Nothing more is kept than those rules ask: whatever stays is newest N, young, just made, or its version's newest.
        const newestOfVersion = new Map<string, string>();
        for (const backup of newestFirst) if (!newestOfVersion.has(versionKey(backup))) newestOfVersion.set(versionKey(backup), backup.name);
        kept.forEach((backup) => {
          const reasons = [
            newestFirst.indexOf(backup) < policy.keepLast,
            NOW - backup.createdAt < policy.keepDays * DAY_MS,
            backup.name === justMade,
            newestOfVersion.get(versionKey(backup)) === backup.name,
          ];
          expect(reasons.some(Boolean)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('forty orphan deletes within an hour, two weeks ago, leave the last ten under the default policy', () => {
    const burst: RetainedBackup[] = Array.from({ length: 40 }, (_, i) => ({
      name: `before-delete-orphans-${i}.db`,
      createdAt: NOW - 14 * DAY_MS + i * 90_000,
      kind: 'before-delete-orphans',
      schemaVersion: 19,
    }));
    const removed = backupsToPrune(burst, { keepLast: 10, keepDays: 7 }, NOW);
    expect(removed).toHaveLength(30);
    expect(removed).not.toContain('before-delete-orphans-39.db');
    expect(removed).toContain('before-delete-orphans-0.db');
  });
});
