// Usage metrics per owner and UTC month, for billing and monitoring, and their CSV export. Reads job_runs
// only through the tenant chokepoint (runScopeCondition). Access (metrics.read) is the caller's: it passes
// the scope tenantScopeFor gives.
import { and, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { RunScope } from '../../src-shared/domain';
import { invalidField } from '../../src-shared/errors';
import { compareOwners, compareText, type TenantScope } from '../../src-shared/tenancy';
import { usageInput, type UsageInput, type UsageRowView } from '../../src-shared/schemas/usage';
import type { AppDatabase } from '../db/connection';
import { businesses, jobRuns } from '../db/schema';
import { runScopeCondition } from '../tenancy/owner-sql';
import { csvLine, exportStamp, safeLabel, writeCsvAtomically, type CsvCell } from '../exports/csv-files';
import { type ExportedFileView } from '../../src-shared/schemas/exports';
import { parseOrRefuse } from '../../src-shared/field-issues';

/** The widest range one report covers, in months (both ends included). */
export const MAX_USAGE_MONTHS = 36;

type UsageOwner = UsageRowView['owner'];
interface UsageFigures {
  runs: number;
  failures: number;
  totalDurationMs: number;
  p95DurationMs: number | null;
}

// ---- The range ------------------------------------------------------------------------------------

/** The UTC instants [from, to) that the months fromMonth..toMonth (both included) cover. VALIDATION past 36 months. */
export function usageRange(input: UsageInput): { from: number; to: number; months: number } {
  const parsed = parseOrRefuse(usageInput, { fromMonth: input.fromMonth, toMonth: input.toMonth });
  const [fy, fm] = parsed.fromMonth.split('-').map(Number) as [number, number];
  const [ty, tm] = parsed.toMonth.split('-').map(Number) as [number, number];
  const months = ty * 12 + tm - (fy * 12 + fm) + 1;
  if (months > MAX_USAGE_MONTHS) {
    throw invalidField('toMonth', `A usage report may span at most ${MAX_USAGE_MONTHS} months; this one spans ${months}.`);
  }
  return { from: monthStart(fy, fm), to: monthStart(ty, tm + 1), months };
}

/** 00:00 UTC on the first of the month; month 13 is January of the next year. (Date.UTC would read years 0–99 as 1900–1999.) */
function monthStart(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, 1);
  return date.getTime();
}

// ---- The report -----------------------------------------------------------------------------------

/**
 * One row per (UTC month, owner) with runs created in the months, within `scope`: a business (with its
 * name), system-wide runs, or orphans. A business scope yields only that business's rows; 'all' every owner.
 *
 * - runs: every run created in the month, whatever its status; failures: status failed.
 * - totalDurationMs: the sum of duration_ms over finished runs (completed, failed, cancelled) that have one:
 *   a run cancelled while running used the time too.
 * - p95DurationMs: exact nearest rank (rank ceil(0.95·n) of the n ascending values) over completed and failed
 *   runs with a duration, as in the run statistics (stats/stats.ts); null when there are none.
 *
 * Sorted by month, then owner (businesses by name, then system, then orphans); byJobType by job type.
 */
export function getUsage(db: AppDatabase, scope: TenantScope, input: UsageInput): { rows: UsageRowView[] } {
  const { from, to } = usageRange(input);
  const inRange = and(runScopeCondition(scope), gte(jobRuns.createdAt, from), lt(jobRuns.createdAt, to)) as SQL;
  // Whole seconds, rounded down (also before 1970): a UTC month starts on a whole second, so no run changes month.
  const seconds = sql`(${jobRuns.createdAt} - (${jobRuns.createdAt} % 1000 + 1000) % 1000) / 1000`;
  const month = sql<string>`strftime('%Y-%m', ${seconds}, 'unixepoch')`;
  const finished = sql`${jobRuns.status} IN ('completed', 'failed', 'cancelled')`;
  const counted = db.orm
    .select({
      month,
      scope: jobRuns.scope,
      businessId: jobRuns.businessId,
      businessName: businesses.name,
      jobType: jobRuns.jobType,
      runs: count(),
      failures: sql<number>`sum(CASE WHEN ${jobRuns.status} = 'failed' THEN 1 ELSE 0 END)`,
      totalDurationMs: sql<number>`ifnull(sum(CASE WHEN ${finished} THEN ${jobRuns.durationMs} END), 0)`,
    })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
    .where(inRange)
    .groupBy(month, jobRuns.scope, jobRuns.businessId, jobRuns.jobType)
    .all();

  const ownerKey = sql`${month} || '|' || ${jobRuns.scope} || '|' || ifnull(${jobRuns.businessId}, '')`;
  // The same exact percentile as the run statistics (stats/stats.ts), over completed and failed runs.
  const ownerP95 = p95ByGroup(db, inRange, ownerKey);
  const typeP95 = p95ByGroup(db, inRange, sql`${ownerKey} || '|' || ${jobRuns.jobType}`);
  const keyOf = (m: string, runScope: RunScope, businessId: number | null) => `${m}|${runScope}|${businessId ?? ''}`;

  const rows = new Map<string, UsageRowView>();
  for (const group of counted) {
    const key = keyOf(group.month, group.scope, group.businessId);
    let row = rows.get(key);
    if (!row) {
      row = {
        month: group.month,
        owner: ownerOf(group.scope, group.businessId, group.businessName),
        runs: 0,
        failures: 0,
        totalDurationMs: 0,
        p95DurationMs: ownerP95.get(key) ?? null,
        byJobType: [],
      };
      rows.set(key, row);
    }
    const figures: UsageFigures = {
      runs: group.runs,
      failures: Number(group.failures),
      totalDurationMs: Number(group.totalDurationMs),
      p95DurationMs: typeP95.get(`${key}|${group.jobType}`) ?? null,
    };
    row.runs += figures.runs;
    row.failures += figures.failures;
    row.totalDurationMs += figures.totalDurationMs;
    row.byJobType.push({ jobType: group.jobType, ...figures });
  }
  const sorted = [...rows.values()].sort((x, y) => compareText(x.month, y.month) || compareOwners(x.owner, y.owner));
  for (const row of sorted) row.byJobType.sort((x, y) => compareText(x.jobType, y.jobType));
  return { rows: sorted };
}


function ownerOf(runScope: RunScope, businessId: number | null, businessName: string | null): UsageOwner {
  if (runScope === 'system') return { kind: 'system' };
  if (businessId === null) return { kind: 'orphans' };
  return { kind: 'business', businessId, businessName: businessName ?? `Business ${businessId}` };
}

// ---- CSV ------------------------------------------------------------------------------------------

export const USAGE_CSV_HEADER = [
  'month',
  'owner_kind',
  'business_id',
  'business_name',
  'job_type',
  'runs',
  'failures',
  'total_duration_ms',
  'p95_duration_ms',
] as const;

/** The job_type of an owner-month's total line. */
export const ALL_JOB_TYPES = '*';

/** One line per owner-month total (job_type `*`), then one per job type of that owner-month. */
export function usageCsvRecords(rows: readonly UsageRowView[]): CsvCell[][] {
  const records: CsvCell[][] = [];
  for (const row of rows) {
    const owner: CsvCell[] =
      row.owner.kind === 'business' ? ['business', row.owner.businessId, row.owner.businessName] : [row.owner.kind, null, null];
    const figures = (f: UsageFigures): CsvCell[] => [f.runs, f.failures, f.totalDurationMs, f.p95DurationMs];
    records.push([row.month, ...owner, ALL_JOB_TYPES, ...figures(row)]);
    for (const type of row.byJobType) records.push([row.month, ...owner, type.jobType, ...figures(type)]);
  }
  return records;
}

/**
 * The exact nearest-rank p95 duration per group, in SQL: each group's finished durations are ranked and the one
 * at rank ceil(19n/20) = (19n+19)/20 in integer arithmetic is taken. Groups without one are left out.
 */
function p95ByGroup(db: AppDatabase, where: SQL, groupKey: SQL): Map<string, number> {
  const rows = db.orm.all<{ k: string; p95: number | null }>(sql`
    SELECT k, max(CASE WHEN rn = (19 * cnt + 19) / 20 THEN v END) AS p95
    FROM (SELECT ${groupKey} AS k, ${jobRuns.durationMs} AS v,
                 row_number() OVER (PARTITION BY ${groupKey} ORDER BY ${jobRuns.durationMs}) AS rn,
                 count(*) OVER (PARTITION BY ${groupKey}) AS cnt
          FROM ${jobRuns}
          WHERE ${where} AND ${jobRuns.status} IN ('completed', 'failed') AND ${jobRuns.durationMs} IS NOT NULL)
    GROUP BY k`);
  return new Map(rows.flatMap((row) => (row.p95 === null ? [] : [[String(row.k), row.p95] as const])));
}

export function usageCsv(rows: readonly UsageRowView[]): string {
  return [USAGE_CSV_HEADER, ...usageCsvRecords(rows)].map(csvLine).join('');
}

/**
 * Writes the usage report of `scope` for the months as `usage-<label>-<from>-to-<to>-<timestamp>.csv` into
 * `folder` (created if missing), atomically: the content goes to a temporary file in the same folder, is
 * flushed, then renamed into place, so a reader never sees half a file. `rows` counts the CSV's data lines
 * (totals and per-type lines, not the header); `bytes` is the file's size.
 */
export function writeUsageCsv(
  db: AppDatabase,
  scope: TenantScope,
  input: { fromMonth: string; toMonth: string },
  folder: string,
  fileLabel: string,
): ExportedFileView {
  const { rows } = getUsage(db, scope, input);
  const content = Buffer.from(usageCsv(rows), 'utf8');
  const lines = usageCsvRecords(rows).length;
  const base = `usage-${safeLabel(fileLabel)}-${input.fromMonth}-to-${input.toMonth}-${exportStamp()}`;
  return writeCsvAtomically(folder, base, content, lines);
}
