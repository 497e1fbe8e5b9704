// What adoption must produce from a legacy fixture, computed in JavaScript from the rows the fixture
// inserted, independently of adopt.ts's SQL. The mapping tables are written out again here on purpose.
import type { LegacyFixture, LegacyRun } from '../helpers/legacy-fixtures';

const ROLES: Record<string, string> = {
  system_admin: 'system_admin', sysadmin: 'system_admin', superuser: 'system_admin', super_admin: 'system_admin',
  business_admin: 'business_admin', admin: 'business_admin', owner: 'business_admin',
  member: 'member', user: 'member', viewer: 'member', staff: 'member',
};

// Not finished in the server edition (queued or running there): unfinished, whatever it had reached.
const STATUSES: Record<string, string> = {
  pending: 'unfinished', queued: 'unfinished', scheduled: 'unfinished',
  running: 'unfinished', in_progress: 'unfinished', started: 'unfinished',
  completed: 'completed', success: 'completed', succeeded: 'completed', done: 'completed', ok: 'completed',
  failed: 'failed', error: 'failed', errored: 'failed', failure: 'failed',
  cancelled: 'cancelled', canceled: 'cancelled', aborted: 'cancelled',
};

/** '2026-03-01 14:22:05.123456' (naive UTC, any number of fraction digits) → ms, sub-milliseconds rounded half up. */
export function legacyTextToMs(text: string | null): number | null {
  if (text === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`Not a legacy datetime: ${text}`);
  const [, y, mo, d, h, mi, s, fraction = ''] = match;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const digits = fraction.padEnd(4, '0');
  return whole + Number(digits.slice(0, 3)) + (Number(digits[3]) >= 5 ? 1 : 0);
}

const foldAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

export interface ExpectedBusiness {
  legacy_id: string;
  name: string;
  created_at: number;
}

export interface ExpectedUser {
  legacy_id: string;
  email: string;
  role: string;
  businessLegacyId: string | null;
  created_at: number;
}

export interface ExpectedRun {
  legacy_id: string;
  scope: 'business';
  businessLegacyId: string | null;
  orphaned_from: string | null;
  job_type: string;
  status: string;
  trigger: 'legacy';
  triggeredByUserLegacyId: string | null;
  triggered_by: string | null;
  params: '{}';
  /** The legacy text; the adopted column holds it verbatim when it is JSON, else as a JSON string. */
  legacyResult: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

export interface ExpectedAdoption {
  businesses: ExpectedBusiness[];
  users: ExpectedUser[];
  runs: ExpectedRun[];
  renamed: { legacyId: string; from: string; to: string }[];
  orphans: number;
}

export function expectedAdoption(fixture: LegacyFixture, adoptedAt: number): ExpectedAdoption {
  const businesses = fixture.businesses.map((b) => ({
    legacy_id: b.id,
    name: b.name,
    created_at: legacyTextToMs(b.created_at) ?? adoptedAt,
  }));
  const renamed: ExpectedAdoption['renamed'] = [];
  const seen = new Set<string>();
  const byAge = businesses.map((b, rowid) => ({ b, rowid })).sort((x, y) => x.b.created_at - y.b.created_at || x.rowid - y.rowid);
  for (const { b } of byAge) {
    if (!seen.has(foldAscii(b.name))) {
      seen.add(foldAscii(b.name));
      continue;
    }
    const to = `${b.name} (${b.legacy_id.slice(0, 8)})`;
    renamed.push({ legacyId: b.legacy_id, from: b.name, to });
    seen.add(foldAscii(to));
    b.name = to;
  }

  const businessIds = new Set(fixture.businesses.map((b) => b.id));
  const known = (id: string | null | undefined) => (id != null && businessIds.has(id) ? id : null);
  const users = fixture.users.map((u) => ({
    legacy_id: u.id,
    email: u.email,
    role: u.role === null ? 'member' : ROLES[u.role.toLowerCase()]!,
    businessLegacyId: known(u.business_id),
    created_at: adoptedAt,
  }));

  const userById = new Map(fixture.users.map((u) => [u.id, u.id]));
  const userByEmail = new Map(fixture.users.map((u) => [foldAscii(u.email), u.id]));
  const triggeredBy = (text: string | null) =>
    text === null ? null : (userById.get(text) ?? userByEmail.get(foldAscii(text)) ?? null);

  // Runs arrive in the order of their adopted created_at, ties in legacy (fixture) order: a stable sort.
  const runs = fixture.runs.map((r) => expectedRun(r, adoptedAt, known, triggeredBy)).sort((a, b) => a.created_at - b.created_at);
  return { businesses, users, runs, renamed, orphans: runs.filter((r) => r.businessLegacyId === null).length };
}

function expectedRun(
  r: LegacyRun,
  adoptedAt: number,
  known: (id: string | null | undefined) => string | null,
  triggeredBy: (text: string | null) => string | null,
): ExpectedRun {
  const started = legacyTextToMs(r.started_at);
  const finished = legacyTextToMs(r.completed_at);
  const businessLegacyId = known(r.business_id);
  return {
    legacy_id: r.id,
    scope: 'business',
    businessLegacyId,
    orphaned_from: r.business_id != null && businessLegacyId === null ? r.business_id : null,
    job_type: r.job_type,
    status: STATUSES[r.status.toLowerCase()]!,
    trigger: 'legacy',
    triggeredByUserLegacyId: triggeredBy(r.triggered_by),
    triggered_by: r.triggered_by,
    params: '{}',
    legacyResult: r.result,
    error: r.error_message,
    created_at: legacyTextToMs(r.created_at) ?? started ?? finished ?? adoptedAt,
    started_at: started,
    finished_at: finished,
    duration_ms:
      r.duration_seconds !== null
        ? Math.round(r.duration_seconds * 1000)
        : started !== null && finished !== null
          ? finished - started
          : null,
  };
}

/** The adopted result column for a legacy result text. */
export function adoptedResultMatches(adopted: string | null, legacy: string | null): boolean {
  if (legacy === null) return adopted === null;
  return isJson(legacy) ? adopted === legacy : adopted !== null && JSON.parse(adopted) === legacy;
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
