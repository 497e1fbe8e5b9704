// users.list over both transports, as properties over random users (emails and display names from letters of both
// cases and LIKE's wildcards, every role, three businesses and none): paging returns every matching user exactly
// once, by email without case, with the total on every page; the search, role and business filters mean what they
// say; a business admin never sees anyone outside their business's members and business admins, whatever the
// filters. Invalid inputs are refused naming the field, in people's words.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelOutput } from '../../src-shared/contract';
import { USER_ROLES, type UserRole } from '../../src-shared/domain';
import { type ContractClient, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { clearWorld, insertBusiness, insertUser, suiteDir, TEST_PASSWORD, type TestUser } from '../helpers/contract-data';

const NUM_RUNS = Number(process.env.CONTRACT_PROPERTY_RUNS ?? 25);
const BUSINESSES = 3;

interface UserSpec {
  local: string;
  displayName: string | null;
  role: UserRole;
  /** A business by index, or none. */
  business: number | null;
}

interface Filters {
  search?: string;
  role?: UserRole;
  /** A business by index, or null: users without one. */
  business?: number | null;
}

interface Listed {
  id: number;
  email: string;
  displayName: string | null;
  role: UserRole;
  businessId: number | null;
}

/** Letters of both cases, LIKE's wildcards and its escape, and a space inside display names. */
const text = (minLength: number) => fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '%', '_', '\\', '.'), minLength, maxLength: 6 });

const userSpec: fc.Arbitrary<UserSpec> = fc.record({
  local: text(1),
  displayName: fc.option(fc.tuple(text(1), text(0)).map(([first, last]) => `${first} ${last}`.trim()), { nil: null }),
  role: fc.constantFrom(...USER_ROLES),
  business: fc.option(fc.integer({ min: 0, max: BUSINESSES - 1 }), { nil: null }),
});

const filtersArbitrary: fc.Arbitrary<Filters> = fc.record(
  { search: fc.oneof(text(0), fc.constantFrom('%', '_', 'a%b', '\\')), role: fc.constantFrom(...USER_ROLES), business: fc.option(fc.integer({ min: 0, max: BUSINESSES - 1 }), { nil: null }) },
  { requiredKeys: [] },
);

/** SQLite's LIKE and NOCASE fold ASCII letters only; these emails and names have no others. */
const fold = (value: string) => value.toLowerCase();

function matches(user: Listed, filters: Filters, businessIds: readonly number[]): boolean {
  const search = filters.search?.trim();
  if (search && !fold(user.email).includes(fold(search)) && !fold(user.displayName ?? '').includes(fold(search))) return false;
  if (filters.role !== undefined && user.role !== filters.role) return false;
  if (filters.business === null && user.businessId !== null) return false;
  if (filters.business !== undefined && filters.business !== null && user.businessId !== businessIds[filters.business]) return false;
  return true;
}

const byEmail = (a: Listed, b: Listed) => (fold(a.email) < fold(b.email) ? -1 : fold(a.email) > fold(b.email) ? 1 : a.id - b.id);

function contractFilters(filters: Filters, businessIds: readonly number[]) {
  const { business, ...rest } = filters;
  return { ...rest, ...(business === undefined ? {} : { businessId: business === null ? null : businessIds[business] }) };
}

/** Every page of users.list for these filters; each page says the same total. */
async function allPages(client: ContractClient, filters: object, limit: number): Promise<{ users: Listed[]; totals: number[] }> {
  const users: Listed[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const value: ChannelOutput<'users.list'> = await client.value('users.list', { filters, cursor, limit });
    expect(value.users.length).toBeLessThanOrEqual(limit);
    users.push(...value.users);
    totals.push(value.total);
    cursor = value.nextCursor;
    if (cursor === null) return { users, totals };
  }
  throw new Error('users.list never reached its last page');
}

async function signIn(harness: Harness, user: TestUser): Promise<ContractClient> {
  const client = harness.client();
  await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
  return client;
}

/** Random users, and who signs in: a system admin and a business admin of each business. */
function buildUsers(harness: Harness, specs: readonly UserSpec[], tag: string) {
  clearWorld(harness.db);
  return harness.db.sqlite.transaction(() => {
    const businessIds = Array.from({ length: BUSINESSES }, (_, i) => insertBusiness(harness.db, `${tag} business ${i + 1}`));
    const root = insertUser(harness.db, { role: 'system_admin', businessId: null, email: `root-${tag}@example.test` });
    const admins = businessIds.map((businessId, i) => insertUser(harness.db, { role: 'business_admin', businessId, email: `boss-${i}-${tag}@example.test` }));
    const taken = new Set([root, ...admins].map((user) => fold(user.email)));
    const users: Listed[] = [root, ...admins].map((user) => ({ ...user, displayName: null }));
    for (const spec of specs) {
      const email = `${spec.local}@${tag}.test`;
      if (taken.has(fold(email))) continue;
      taken.add(fold(email));
      const businessId = spec.business === null ? null : businessIds[spec.business]!;
      const user = insertUser(harness.db, { role: spec.role, businessId, email, displayName: spec.displayName });
      users.push({ ...user, displayName: spec.displayName });
    }
    return { businessIds, root, admins, users };
  })();
}

describe.each(TRANSPORTS)('users.list over %s', (transport) => {
  let harness: Harness;
  const dir = suiteDir();
  let world = 0;

  beforeAll(async () => {
    harness = await startHarness(transport, path.join(dir.path, 'users.db'));
  });
  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  it('pages every matching user exactly once, by email without case, with the total on every page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userSpec, { maxLength: 40 }), filtersArbitrary, fc.integer({ min: 1, max: 7 }), async (specs, filters, limit) => {
        const { businessIds, root, users } = buildUsers(harness, specs, `p${++world}`);
        const client = await signIn(harness, root);
        const expected = users.filter((user) => matches(user, filters, businessIds)).sort(byEmail);
        const { users: listed, totals } = await allPages(client, contractFilters(filters, businessIds), limit);
        expect(listed.map((user) => user.email)).toEqual(expected.map((user) => user.email));
        expect(new Set(totals)).toEqual(new Set([expected.length]));
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });

  it('a business admin sees their business’s members and business admins only, whatever the filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userSpec, { maxLength: 40 }), filtersArbitrary, fc.integer({ min: 0, max: BUSINESSES - 1 }), async (specs, filters, own) => {
        const { businessIds, admins, users } = buildUsers(harness, specs, `a${++world}`);
        const client = await signIn(harness, admins[own]!);
        const input = { filters: contractFilters(filters, businessIds), limit: 5 };
        if (filters.business !== undefined && filters.business !== own) {
          const refused = await client.call('users.list', input);
          expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
          return;
        }
        const reach = users.filter((user) => user.businessId === businessIds[own] && user.role !== 'system_admin');
        const expected = reach.filter((user) => matches(user, filters, businessIds)).sort(byEmail);
        const { users: listed, totals } = await allPages(client, input.filters, 5);
        expect(listed.map((user) => user.email)).toEqual(expected.map((user) => user.email));
        expect(new Set(totals)).toEqual(new Set([expected.length]));
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });

  it('finds one account by its exact email, whatever its case', async () => {
    const { root, users } = buildUsers(harness, [{ local: 'ann', displayName: null, role: 'member', business: 0 }, { local: 'joann', displayName: null, role: 'member', business: 0 }], `e${++world}`);
    const client = await signIn(harness, root);
    const ann = users.find((user) => user.email.startsWith('ann@'))!;
    const found = await client.value('users.list', { filters: { email: ann.email.toUpperCase() } });
    expect(found.users.map((user) => user.id)).toEqual([ann.id]);
    expect(found.total).toBe(1);
  });

  it('refuses what is not a users query, naming the field in people’s words', async () => {
    const { root } = buildUsers(harness, [], `v${++world}`);
    const client = await signIn(harness, root);
    const refusals: [unknown, string, string][] = [
      [{ limit: 0 }, 'limit', 'Limit must be at least 1.'],
      [{ limit: 201 }, 'limit', 'Limit can be at most 200.'],
      [{ filters: { role: 'owner' } }, 'filters.role', 'Role must be one of: system_admin, business_admin, member.'],
      [{ filters: { businessId: 0 } }, 'filters.businessId', 'Business must be more than 0.'],
      [{ filters: { search: 'x'.repeat(201) } }, 'filters.search', 'Search can be at most 200 characters.'],
      [{ cursor: 'not-a-cursor' }, 'cursor', 'Cursor is not a page of the users list; start again from the first page.'],
    ];
    for (const [input, path, message] of refusals) {
      const envelope = await client.call('users.list', input);
      expect(envelope.ok ? 'ok' : envelope.error, JSON.stringify(input)).toEqual(expect.objectContaining({ code: 'VALIDATION', fields: [{ path, message }] }));
    }
  });
});
