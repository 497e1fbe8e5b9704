import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { jobRuns } from '../../src-main/db/schema';
import { sql } from 'drizzle-orm';
import type { TenantScope } from '../../src-shared/tenancy';
import { isRunInScope, preparedRunScopeCondition, runScopeCondition, runScopeValues } from '../../src-main/tenancy/owner-sql';
import { AppError } from '../../src-shared/errors';
import { createTestDatabase, isOrphan, readRunOwnership, seedBusiness, seedRuns, type RunOwnership, type SeedOwner } from '../helpers/seed';

function idsInScope(db: AppDatabase, scope: TenantScope): number[] {
  return db.orm
    .select({ id: jobRuns.id })
    .from(jobRuns)
    .where(runScopeCondition(scope))
    .orderBy(jobRuns.id)
    .all()
    .map((row) => row.id);
}

/** The definition of each scope, written independently of the SQL. */
function belongsTo(scope: TenantScope, run: RunOwnership): boolean {
  switch (scope.kind) {
    case 'business':
      return run.scope === 'business' && run.businessId === scope.businessId;
    case 'all':
      return true;
    case 'system':
      return run.scope === 'system';
    case 'orphans':
      return isOrphan(run);
  }
}

async function databaseWithEveryKindOfRun() {
  const db = await createTestDatabase();
  const a = seedBusiness(db, { name: 'Acme' });
  const b = seedBusiness(db, { name: 'Globex' });
  const empty = seedBusiness(db, { name: 'Initech' });
  seedRuns(db, { kind: 'business', businessId: a.id }, 5);
  seedRuns(db, { kind: 'business', businessId: b.id }, 3);
  seedRuns(db, { kind: 'system' }, 2);
  seedRuns(db, { kind: 'orphan' }, 4);
  return { db, a, b, empty };
}

/** Random run owners among `businessIds`, system-wide and orphans; random scopes, one of a business that does not exist. */
function ownersAndScopes(businessIds: number[]): { owner: fc.Arbitrary<SeedOwner>; scope: fc.Arbitrary<TenantScope> } {
  return {
    owner: fc.oneof(
      fc.constantFrom(...businessIds).map((businessId): SeedOwner => ({ kind: 'business', businessId })),
      fc.constant<SeedOwner>({ kind: 'system' }),
      fc.constant<SeedOwner>({ kind: 'orphan' }),
    ),
    scope: fc.oneof(
      fc.constantFrom(...businessIds, 999_999).map((businessId): TenantScope => ({ kind: 'business', businessId })),
      fc.constantFrom<TenantScope>({ kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }),
    ),
  };
}

describe('runScopeCondition, the one tenant chokepoint', () => {
  it('a business scope matches exactly that business’s runs', async () => {
    const { db, a, b } = await databaseWithEveryKindOfRun();
    const runs = readRunOwnership(db);
    for (const business of [a, b]) {
      const scope: TenantScope = { kind: 'business', businessId: business.id };
      const expected = runs.filter((r) => belongsTo(scope, r)).map((r) => r.id);
      expect(idsInScope(db, scope)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('a business with no runs sees none, not everyone’s', async () => {
    const { db, empty } = await databaseWithEveryKindOfRun();
    expect(idsInScope(db, { kind: 'business', businessId: empty.id })).toEqual([]);
    expect(idsInScope(db, { kind: 'business', businessId: 999_999 })).toEqual([]);
  });

  it("'all' is every run; 'system' only system runs; 'orphans' only business runs without a business", async () => {
    const { db } = await databaseWithEveryKindOfRun();
    const runs = readRunOwnership(db);
    expect(idsInScope(db, { kind: 'all' })).toEqual(runs.map((r) => r.id));
    expect(idsInScope(db, { kind: 'system' })).toEqual(runs.filter((r) => r.scope === 'system').map((r) => r.id));
    expect(idsInScope(db, { kind: 'orphans' })).toEqual(runs.filter(isOrphan).map((r) => r.id));
    expect(idsInScope(db, { kind: 'system' })).toHaveLength(2);
    expect(idsInScope(db, { kind: 'orphans' })).toHaveLength(4);
  });

  it('a system run is never an orphan, although neither has a business', async () => {
    const { db } = await databaseWithEveryKindOfRun();
    const systemIds = idsInScope(db, { kind: 'system' });
    const orphanIds = idsInScope(db, { kind: 'orphans' });
    expect(systemIds.filter((id) => orphanIds.includes(id))).toEqual([]);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['zero', 0],
    ['a negative id', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['a string', '1'],
  ])('a business scope with %s as its id fails closed with VALIDATION', (_label, businessId) => {
    const scope = { kind: 'business', businessId } as unknown as TenantScope;
    expect(() => runScopeCondition(scope)).toThrow(AppError);
    expect(() => runScopeCondition(scope)).toThrow(/^Business must be a positive whole number/);
  });

  it('an unknown scope kind is refused, never read as "all"', () => {
    for (const scope of [{ kind: 'everyone' }, {}, { kind: 'ALL' }] as unknown as TenantScope[]) {
      expect(() => runScopeCondition(scope)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('for any mix of runs, every scope matches its definition and business, system and orphan scopes partition all runs', async () => {
    const db = await createTestDatabase();
    const businessIds = [1, 2, 3].map((i) => seedBusiness(db, { name: `Tenant ${i}` }).id);
    const owner = fc.oneof(
      fc.constantFrom(...businessIds).map((businessId): SeedOwner => ({ kind: 'business', businessId })),
      fc.constant<SeedOwner>({ kind: 'system' }),
      fc.constant<SeedOwner>({ kind: 'orphan' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(owner, fc.integer({ min: 1, max: 4 })), { maxLength: 12 }), async (batches) => {
        db.sqlite.exec('DELETE FROM job_runs');
        for (const [seedOwner, count] of batches) seedRuns(db, seedOwner, count);
        const runs = readRunOwnership(db);
        const partition: TenantScope[] = [
          ...businessIds.map((businessId): TenantScope => ({ kind: 'business', businessId })),
          { kind: 'system' },
          { kind: 'orphans' },
        ];
        for (const scope of [...partition, { kind: 'all' } as const]) {
          expect(idsInScope(db, scope)).toEqual(runs.filter((r) => belongsTo(scope, r)).map((r) => r.id));
        }
        const union = partition.flatMap((scope) => idsInScope(db, scope)).sort((x, y) => x - y);
        expect(union).toEqual(idsInScope(db, { kind: 'all' }));
      }),
      { numRuns: 50 },
    );
  });

  it('isRunInScope, its JS twin for runs in hand, agrees exactly with a SELECT through runScopeCondition for any runs and scopes', async () => {
    const db = await createTestDatabase();
    const { owner, scope } = ownersAndScopes([1, 2, 3].map((i) => seedBusiness(db, { name: `Twin ${i}` }).id));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(owner, fc.integer({ min: 1, max: 3 })), { maxLength: 10 }), fc.array(scope, { minLength: 1, maxLength: 4 }), async (batches, scopes) => {
        db.sqlite.exec('DELETE FROM job_runs');
        for (const [seedOwner, count] of batches) seedRuns(db, seedOwner, count);
        const runs = readRunOwnership(db);
        for (const s of scopes) expect(runs.filter((run) => isRunInScope(run, s)).map((run) => run.id)).toEqual(idsInScope(db, s));
      }),
      { numRuns: 100 },
    );
  });

  it('a statement prepared once per kind of scope (preparedRunScopeCondition + runScopeValues) selects exactly what runScopeCondition does, whichever business it ran for before', async () => {
    const db = await createTestDatabase();
    const { owner, scope } = ownersAndScopes([1, 2, 3].map((i) => seedBusiness(db, { name: `Prepared ${i}` }).id));
    const prepared = new Map<TenantScope['kind'], { all(values: Record<string, unknown>): { id: number }[] }>();
    const preparedIdsInScope = (s: TenantScope): number[] => {
      let statement = prepared.get(s.kind);
      if (!statement) {
        statement = db.orm
          .select({ id: jobRuns.id })
          .from(jobRuns)
          .where(sql`${preparedRunScopeCondition(s.kind)} AND ${jobRuns.id} > ${sql.placeholder('after')}`)
          .orderBy(jobRuns.id)
          .prepare();
        prepared.set(s.kind, statement);
      }
      return statement.all({ ...runScopeValues(s), after: 0 }).map((row) => row.id);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(owner, fc.integer({ min: 1, max: 3 })), { maxLength: 10 }), fc.array(scope, { minLength: 1, maxLength: 6 }), async (batches, scopes) => {
        db.sqlite.exec('DELETE FROM job_runs');
        for (const [seedOwner, count] of batches) seedRuns(db, seedOwner, count);
        for (const s of scopes) expect(preparedIdsInScope(s)).toEqual(idsInScope(db, s));
      }),
      { numRuns: 100 },
    );
  });

  it('runScopeValues fails closed like runScopeCondition: no business id, or an unknown kind, is VALIDATION', () => {
    for (const scope of [{ kind: 'business' }, { kind: 'business', businessId: 0 }, { kind: 'business', businessId: '1' }, { kind: 'everyone' }, {}] as unknown as TenantScope[]) {
      expect(() => runScopeValues(scope)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(() => preparedRunScopeCondition('everyone' as TenantScope['kind'])).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('isRunInScope fails closed exactly like runScopeCondition: no business id, or an unknown kind, is VALIDATION', () => {
    const run = { scope: 'business' as const, businessId: null };
    for (const scope of [{ kind: 'business' }, { kind: 'business', businessId: 0 }, { kind: 'business', businessId: '1' }, { kind: 'everyone' }, {}] as unknown as TenantScope[]) {
      expect(() => isRunInScope(run, scope)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
      expect(() => runScopeCondition(scope)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});
