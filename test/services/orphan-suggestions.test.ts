// Suggested assignments on real adopted server-edition files: the proposals equal a plain computation from the
// businesses and users tables, and accepting them moves exactly those runs to exactly those businesses.
import fs from 'node:fs';
import { refusedField } from '../helpers/refusals';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { openAppDatabase } from '../../src-main/startup';
import type { AuditActor } from '../../src-main/audit/record';
import { assignSuggestedOrphans, countOrphansWithSuggestion, suggestOrphanAssignments } from '../../src-main/orphans/suggestions';
import { ORPHAN_EVIDENCE, type OrphanEvidence } from '../../src-shared/schemas/orphans';
import { createLegacyDatabase, type LegacyRevisionName } from '../helpers/legacy-fixtures';
import { createTestDatabase, insertRuns, readAuditEvents, readRunOwnership, seedBusiness, seedUser } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { keptBackupNames } from '../helpers/backups';

const actor: AuditActor = { kind: 'app', label: 'cli' };
const REVISIONS: LegacyRevisionName[] = ['pre_tenant', 'tenant', 'cleaned'];
const ADOPTED_AT = new Date('2026-11-26T15:05:00.123Z');

// ---- The oracle: the evidence rules of ORPHAN_EVIDENCE, written plainly over the rows ------------------

interface BusinessRow {
  id: number;
  legacy_id: string | null;
  name: string;
  disabled_at: number | null;
}
interface UserRow {
  id: number;
  legacy_id: string | null;
  email: string;
  business_id: number | null;
}
interface RunRow {
  id: number;
  scope: string;
  business_id: number | null;
  orphaned_from: string | null;
  triggered_by: string | null;
  triggered_by_user_id: number | null;
  created_at: number;
}

/** SQLite's lower() and NOCASE fold ASCII letters only. */
const lowerAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
const trimmed = (text: string) => text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
const legacyKey = (text: string) => lowerAscii(trimmed(text.replace(/[{}-]/g, '')));
const nameKey = (text: string) => lowerAscii(trimmed(text));

interface Proposal {
  runId: number;
  businessId: number;
  reason: OrphanEvidence;
}

function expectedProposals(db: AppDatabase): Proposal[] {
  const all = <T,>(query: string) => db.sqlite.prepare(query).all() as T[];
  const enabled = all<BusinessRow>('SELECT id, legacy_id, name, disabled_at FROM businesses').filter((b) => b.disabled_at === null);
  const users = all<UserRow>('SELECT id, legacy_id, email, business_id FROM users');
  const orphans = all<RunRow>('SELECT * FROM job_runs').filter((r) => r.scope === 'business' && r.business_id === null);
  const proposals: Proposal[] = [];
  for (const run of orphans) {
    let former: number | null = null;
    if (run.orphaned_from !== null) {
      const from = run.orphaned_from;
      const byLegacyId = enabled.filter((b) => b.legacy_id !== null && legacyKey(b.legacy_id) !== '' && legacyKey(b.legacy_id) === legacyKey(from));
      const byName = enabled.filter((b) => nameKey(b.name) !== '' && nameKey(b.name) === nameKey(from));
      const winners = byLegacyId.length > 0 ? byLegacyId : byName;
      if (winners.length === 1) former = winners[0]!.id;
    }
    if (former !== null) {
      proposals.push({ runId: run.id, businessId: former, reason: 'former_business' });
      continue;
    }
    const by = run.triggered_by;
    const user =
      run.triggered_by_user_id !== null
        ? users.find((u) => u.id === run.triggered_by_user_id)
        : by === null
          ? undefined
          : (users.find((u) => u.legacy_id === by) ?? users.find((u) => lowerAscii(u.email) === lowerAscii(by)));
    const business = user && enabled.find((b) => b.id === user.business_id);
    if (business) proposals.push({ runId: run.id, businessId: business.id, reason: 'triggering_user' });
  }
  return proposals;
}

// ---- Real adopted files, with extra businesses and users that give (or blur) evidence ----------------

const extraBusiness = fc.record({
  // Few distinct picks, so several extras often name the same former id: ambiguity, and legacy id against name.
  pick: fc.nat({ max: 3 }),
  spelling: fc.constantFrom('upper', 'no_hyphens', 'braces', 'padded', 'as_name', 'as_name_upper', 'unrelated'),
  disabled: fc.boolean(),
});
const extraUser = fc.record({ pick: fc.nat(), business: fc.nat(), spelling: fc.constantFrom('email', 'label', 'upper_label'), noBusiness: fc.boolean() });

type ExtraBusiness = typeof extraBusiness extends fc.Arbitrary<infer T> ? T : never;
type ExtraUser = typeof extraUser extends fc.Arbitrary<infer T> ? T : never;

async function adoptedFile(revision: LegacyRevisionName, seed: number, runs: number, businesses: number): Promise<AppDatabase> {
  const fixture = createLegacyDatabase(path.join(tempDir(), 'automation.db'), { revision, seed, runs, businesses });
  const { db } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, confirmAdoption: () => true });
  return db;
}

function addEvidence(db: AppDatabase, extras: ExtraBusiness[], extraUsers: ExtraUser[], disable: number[]): void {
  const from = (db.sqlite.prepare('SELECT DISTINCT orphaned_from FROM job_runs WHERE orphaned_from IS NOT NULL ORDER BY 1').pluck().all() as string[]) ?? [];
  const labels = db.sqlite.prepare('SELECT DISTINCT triggered_by FROM job_runs WHERE triggered_by IS NOT NULL AND triggered_by_user_id IS NULL ORDER BY 1').pluck().all() as string[];
  const insertBusiness = db.sqlite.prepare('INSERT OR IGNORE INTO businesses (legacy_id, name, created_at, disabled_at) VALUES (?, ?, 0, ?)');
  extras.forEach((extra, i) => {
    const id = from.length > 0 ? from[extra.pick % from.length]! : `no-orphan-${i}`;
    const spelled: Record<ExtraBusiness['spelling'], [string | null, string]> = {
      upper: [id.toUpperCase(), `Extra ${i}`],
      no_hyphens: [id.replace(/-/g, ''), `Extra ${i}`],
      braces: [`{${id}}`, `Extra ${i}`],
      padded: [` ${id.toUpperCase()}\t`, `Extra ${i}`],
      as_name: [null, id],
      as_name_upper: [null, ` ${id.toUpperCase()} `],
      unrelated: [`extra-${i}`, `Extra ${i}`],
    };
    const [legacyId, name] = spelled[extra.spelling];
    insertBusiness.run(legacyId, name, extra.disabled ? 1 : null);
  });
  const businessIds = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id').pluck().all() as number[];
  const insertUser = db.sqlite.prepare("INSERT OR IGNORE INTO users (email, role, business_id, created_at) VALUES (?, 'member', ?, 0)");
  extraUsers.forEach((extra, i) => {
    const label = labels.length > 0 ? labels[extra.pick % labels.length]! : `label${i}`;
    const email = extra.spelling === 'email' ? `extra${i}@example.test` : extra.spelling === 'label' ? label : label.toUpperCase();
    const businessId = extra.noBusiness || businessIds.length === 0 ? null : businessIds[extra.business % businessIds.length]!;
    insertUser.run(email, businessId);
  });
  const setDisabled = db.sqlite.prepare('UPDATE businesses SET disabled_at = 1 WHERE id = ?');
  for (const pick of disable) if (businessIds.length > 0) setDisabled.run(businessIds[pick % businessIds.length]);
}

const groupKeyOf = (businessId: number, reason: string) => `${businessId}:${reason}`;

function groupsOf(proposals: Proposal[]): Map<string, Proposal[]> {
  const groups = new Map<string, Proposal[]>();
  for (const p of proposals) groups.set(groupKeyOf(p.businessId, p.reason), [...(groups.get(groupKeyOf(p.businessId, p.reason)) ?? []), p]);
  return groups;
}

function allRuns(db: AppDatabase): Record<string, unknown>[] {
  return db.sqlite.prepare('SELECT * FROM job_runs ORDER BY id').all() as Record<string, unknown>[];
}

const scenario = fc.record({
  revision: fc.constantFrom(...REVISIONS),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  runs: fc.integer({ min: 0, max: 300 }),
  businesses: fc.integer({ min: 0, max: 8 }),
  extras: fc.array(extraBusiness, { maxLength: 8 }),
  extraUsers: fc.array(extraUser, { maxLength: 5 }),
  disable: fc.array(fc.nat(), { maxLength: 3 }),
  previewLimit: fc.integer({ min: 0, max: 4 }),
  accept: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
});

describe('suggested assignments on adopted server-edition files', () => {
  it('propose exactly what the evidence rules give, and accepting groups moves exactly their runs and nothing else', async () => {
    const seenReasons = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const db = await adoptedFile(s.revision, s.seed, s.runs, s.businesses);
        try {
          addEvidence(db, s.extras, s.extraUsers, s.disable);
          const expected = expectedProposals(db);
          const expectedGroups = groupsOf(expected);
          const names = new Map((db.sqlite.prepare('SELECT id, name FROM businesses').all() as { id: number; name: string }[]).map((b) => [b.id, b.name]));
          const createdAt = new Map((db.sqlite.prepare('SELECT id, created_at FROM job_runs').all() as { id: number; created_at: number }[]).map((r) => [r.id, r.created_at]));

          const view = suggestOrphanAssignments(db, { previewLimit: s.previewLimit });
          const orphanCount = readRunOwnership(db).filter((r) => r.scope === 'business' && r.businessId === null).length;
          expect(view.orphans).toBe(orphanCount);
          expect(view.suggested).toBe(expected.length);
          expect(countOrphansWithSuggestion(db)).toBe(expected.length);
          const expectedView = [...expectedGroups.values()]
            .map((group) => {
              const { businessId, reason } = group[0]!;
              const newest = group
                .map((p) => p.runId)
                .sort((x, y) => createdAt.get(y)! - createdAt.get(x)! || y - x)
                .slice(0, s.previewLimit);
              return { business: { id: businessId, name: names.get(businessId)! }, reason, count: group.length, preview: newest };
            })
            .sort(
              (x, y) =>
                (x.business.name < y.business.name ? -1 : x.business.name > y.business.name ? 1 : 0) ||
                x.business.id - y.business.id ||
                ORPHAN_EVIDENCE.indexOf(x.reason) - ORPHAN_EVIDENCE.indexOf(y.reason),
            );
          expect(view.groups.map((g) => ({ ...g, preview: g.preview.map((run) => run.id) }))).toEqual(expectedView);
          for (const group of view.groups) {
            seenReasons.add(group.reason);
            for (const run of group.preview) expect(run).toMatchObject({ scope: 'business', businessId: null });
          }

          const accepted = view.groups.filter((_, i) => s.accept[i % s.accept.length]);
          if (accepted.length === 0) return;
          const before = allRuns(db);
          const result = await assignSuggestedOrphans(
            db,
            accepted.map((g) => ({ businessId: g.business.id, reason: g.reason, expectedCount: g.count })),
            { actor, now: () => ADOPTED_AT },
          );
          const movedTo = new Map<number, number>();
          for (const g of accepted) for (const p of expectedGroups.get(groupKeyOf(g.business.id, g.reason))!) movedTo.set(p.runId, p.businessId);
          expect(allRuns(db)).toEqual(
            before.map((row) => (movedTo.has(row.id as number) ? { ...row, business_id: movedTo.get(row.id as number), orphaned_from: null } : row)),
          );
          expect(result.assigned).toBe(movedTo.size);
          expect(result.groups).toEqual(accepted.map((g) => ({ business: g.business, reason: g.reason, assigned: g.count })));
          expect(fs.existsSync(result.backupPath)).toBe(true);
          expect(runCountDrift(db.sqlite)).toEqual([]);
          expect(dailyRollupDrift(db.sqlite)).toEqual([]);
          const events = readAuditEvents(db).filter((e) => e.action.startsWith('orphans.'));
          expect(events).toEqual([
            {
              action: 'orphans.assign_suggested',
              actorLabel: 'cli',
              businessId: null,
              details: { count: movedTo.size, groups: accepted.map((g) => ({ business: g.business, reason: g.reason, count: g.count })), backupPath: result.backupPath },
            },
          ]);
          // What was not accepted is still proposed, as before.
          const left = suggestOrphanAssignments(db, { previewLimit: 0 }).groups.map((g) => [g.business.id, g.reason, g.count]);
          expect(left).toEqual(view.groups.filter((g) => !accepted.includes(g)).map((g) => [g.business.id, g.reason, g.count]));
        } finally {
          db.close();
        }
      }),
      { numRuns: 30 },
    );
    // The random files and extras give both kinds of evidence somewhere in the runs.
    expect([...seenReasons].sort()).toEqual([...ORPHAN_EVIDENCE]);
  }, 120_000);
});

// ---- Refusals: nothing written -----------------------------------------------------------------------

async function databaseWithEvidence() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme', legacyId: '7D4C0A52-AAAA-4BBB-8CCC-000000000001' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const alice = seedUser(db, { businessId: globex.id, email: 'alice@example.test' });
  const acmeRuns = insertRuns(db, [{ owner: { kind: 'business', businessId: acme.id }, createdAt: 1 }]);
  const former = insertRuns(db, [2, 3, 4].map((createdAt) => ({ owner: { kind: 'orphan', orphanedFrom: '{7d4c0a52aaaa4bbb8ccc000000000001}' }, createdAt })));
  const byUser = insertRuns(db, [5, 6].map((createdAt) => ({ owner: { kind: 'orphan', orphanedFrom: 'gone' }, createdAt, triggeredByUserId: alice })));
  const none = insertRuns(db, [{ owner: { kind: 'orphan', orphanedFrom: 'gone' }, createdAt: 7 }]);
  return { db, acme, globex, alice, acmeRuns, former, byUser, none };
}

function backupsNextTo(db: AppDatabase): string[] {
  return keptBackupNames(db.path);
}

describe('assigning suggested orphans refuses, and writes nothing', () => {
  it('proposes by former business id (braces, case, no hyphens) and by the triggering user', async () => {
    const { db, acme, globex, former, byUser } = await databaseWithEvidence();
    const view = suggestOrphanAssignments(db, { previewLimit: 2 });
    expect(view.groups.map((g) => [g.business.id, g.reason, g.count, g.preview.map((r) => r.id)])).toEqual([
      [acme.id, 'former_business', 3, [former[2], former[1]]],
      [globex.id, 'triggering_user', 2, [byUser[1], byUser[0]]],
    ]);
    expect(view).toMatchObject({ orphans: 6, suggested: 5 });
  });

  it('a legacy-id match wins over a name match; two legacy-id matches are no evidence, even when a name matches', async () => {
    const { db, acme, former } = await databaseWithEvidence();
    const namedLikeIt = seedBusiness(db, { name: '{7d4c0a52aaaa4bbb8ccc000000000001}' });
    expect(suggestOrphanAssignments(db, { previewLimit: 0 }).groups.map((g) => [g.business.id, g.reason, g.count])).toContainEqual([acme.id, 'former_business', 3]);
    seedBusiness(db, { name: 'Acme again', legacyId: '7d4c0a52aaaa4bbb8ccc000000000001' });
    const groups = suggestOrphanAssignments(db, { previewLimit: 0 }).groups;
    expect(groups.some((g) => g.reason === 'former_business')).toBe(false);
    expect(groups.flatMap((g) => g.preview.map((r) => r.id))).not.toContain(former[0]);
    // A disabled business is no candidate: the other legacy-id match stands alone again.
    db.sqlite.prepare('UPDATE businesses SET disabled_at = 1 WHERE id = ?').run(acme.id);
    expect(suggestOrphanAssignments(db, { previewLimit: 0 }).groups.filter((g) => g.reason === 'former_business').map((g) => g.business.name)).toEqual(['Acme again']);
    expect(namedLikeIt.id).toBeGreaterThan(0);
  });

  it('CONFLICT when a group changed since the preview (a new orphan with the same evidence)', async () => {
    const { db, acme, globex } = await databaseWithEvidence();
    const before = allRuns(db);
    insertRuns(db, [{ owner: { kind: 'orphan', orphanedFrom: '7d4c0a52-aaaa-4bbb-8ccc-000000000001' }, createdAt: 8 }]);
    const changed = allRuns(db);
    await expect(
      assignSuggestedOrphans(
        db,
        [
          { businessId: globex.id, reason: 'triggering_user', expectedCount: 2 },
          { businessId: acme.id, reason: 'former_business', expectedCount: 3 },
        ],
        { actor },
      ),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The suggested orphans for Acme (its former business id names this business) changed since the preview: expected 3, found 4. Nothing was changed.',
    });
    expect(allRuns(db)).toEqual(changed);
    expect(changed).toHaveLength(before.length + 1);
    expect(readAuditEvents(db)).toEqual([]);
    expect(backupsNextTo(db)).toEqual([]);
  });

  it('CONFLICT when the evidence changed: the user moved to another business', async () => {
    const { db, globex, alice } = await databaseWithEvidence();
    db.sqlite.prepare('UPDATE users SET business_id = NULL WHERE id = ?').run(alice);
    const before = allRuns(db);
    await expect(assignSuggestedOrphans(db, [{ businessId: globex.id, reason: 'triggering_user', expectedCount: 2 }], { actor })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('expected 2, found 0. Nothing was changed.'),
    });
    expect(allRuns(db)).toEqual(before);
  });

  it('VALIDATION naming the field for a disabled business or bad input; NOT_FOUND for a missing business', async () => {
    const { db, acme, globex } = await databaseWithEvidence();
    const before = allRuns(db);
    db.sqlite.prepare('UPDATE businesses SET disabled_at = 1 WHERE id = ?').run(acme.id);
    const refusals: [Parameters<typeof assignSuggestedOrphans>[1], object][] = [
      [[{ businessId: acme.id, reason: 'former_business', expectedCount: 3 }], refusedField('groups[0].businessId', 'Business "Acme" is disabled; enable it first.')],
      [[{ businessId: 999, reason: 'former_business', expectedCount: 3 }], { code: 'NOT_FOUND', message: 'There is no business with id 999.' }],
      [[{ businessId: 0, reason: 'former_business', expectedCount: 3 }], refusedField('groups[0].businessId')],
      [
        [
          { businessId: globex.id, reason: 'triggering_user', expectedCount: 2 },
          { businessId: globex.id, reason: 'triggering_user', expectedCount: -1 },
        ],
        refusedField('groups[1].expectedCount'),
      ],
      [[{ businessId: globex.id, reason: 'a hunch' as OrphanEvidence, expectedCount: 2 }], refusedField('groups[0].reason')],
      [[], refusedField('groups', 'Accept at least one suggested group.')],
    ];
    for (const [groups, refusal] of refusals) {
      await expect(assignSuggestedOrphans(db, groups, { actor })).rejects.toMatchObject(refusal);
    }
    expect(allRuns(db)).toEqual(before);
    expect(readAuditEvents(db)).toEqual([]);
    expect(backupsNextTo(db)).toEqual([]);
  });

  it('previewLimit out of range is VALIDATION naming it', async () => {
    const { db } = await databaseWithEvidence();
    expect(() => suggestOrphanAssignments(db, { previewLimit: 21 })).toThrow(refusedField('previewLimit'));
  });

  it('reports progress and records each group in one audit event with the backup', async () => {
    const { db, acme, globex, former, byUser, none } = await databaseWithEvidence();
    const phases: string[] = [];
    const result = await assignSuggestedOrphans(
      db,
      [
        { businessId: acme.id, reason: 'former_business', expectedCount: 3 },
        { businessId: globex.id, reason: 'triggering_user', expectedCount: 2 },
      ],
      { actor, onProgress: (p) => phases.push(`${p.phase} ${p.done}/${p.total}`) },
    );
    expect(result).toMatchObject({ assigned: 5 });
    expect(phases).toContain('Assigning suggested orphans 5/5');
    const owners = new Map(readRunOwnership(db).map((r) => [r.id, r.businessId]));
    expect(former.map((id) => owners.get(id))).toEqual([acme.id, acme.id, acme.id]);
    expect(byUser.map((id) => owners.get(id))).toEqual([globex.id, globex.id]);
    expect(owners.get(none[0]!)).toBeNull();
    expect(backupsNextTo(db)).toEqual([path.basename(result.backupPath)]);
  });
});
