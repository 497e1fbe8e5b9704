// The history as a person pages through it: every page of listJobRuns for one scope, filters and order, one cursor
// after another, for the property tests that hold the pages equal to a plain filter and ORDER BY over the runs (the
// oracle below, which reads tags from the runs' own JSON, never from job_run_tags).
import { expect } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { listJobRuns } from '../../src-main/history/pages';
import type { JobRunFilters, ListJobRunsInput } from '../../src-shared/schemas/jobs';
import type { TenantScope } from '../../src-shared/tenancy';
import { scopeSql } from './random-writes';

/** The plain ORDER BY of each order the properties page in, by `field:direction`. */
export const ORDER_SQL: Record<string, string> = {
  'createdAt:desc': 'created_at DESC, id DESC',
  'createdAt:asc': 'created_at ASC, id ASC',
  'durationMs:desc': 'duration_ms IS NULL, duration_ms DESC, id DESC',
};

/** The ids of every page, in order; throws when the pages do not end. */
export function pagedRunIds(db: AppDatabase, scope: TenantScope, filters: JobRunFilters, sort: ListJobRunsInput['sort'], limit: number): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = listJobRuns(db, scope, { filters, sort, cursor, limit });
    ids.push(...page.runs.map((run) => run.id));
    if (!page.nextCursor) return ids;
    if (ids.length > 100_000) throw new Error(`the pages do not end: ${ids.slice(-5).join(', ')}`);
    cursor = page.nextCursor;
  }
}

/** `field:direction` (an ORDER_SQL key) as the list's sort. */
export function sortOf(order: string): ListJobRunsInput['sort'] {
  const [field, direction] = order.split(':') as [ListJobRunsInput['sort']['field'], 'asc' | 'desc'];
  return { field, direction };
}

/** Each business's scope, and the all-business, system-wide and orphans' ones. */
export function everyScope(businesses: readonly number[]): TenantScope[] {
  return [...businesses.map((businessId) => ({ kind: 'business' as const, businessId })), { kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }];
}

/**
 * The oracle: the ids of the scope's runs with one of the statuses, one of the triggers and one of the job types (when
 * given) and every tag (read from the run's JSON), in a plain ORDER BY.
 */
export function plainFilterIds(db: AppDatabase, scope: TenantScope, filters: JobRunFilters, orderSql: string): number[] {
  const listed = (column: string, values: readonly string[] | undefined) => (values?.length ? [`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`] : []);
  const tagged = Object.keys(filters.tags ?? {}).map((key) => `json_extract(tags, '$."' || ${JSON.stringify(key).replace(/"/g, "'")} || '"') = ?`);
  const where = [scopeSql(scope), ...listed('status', filters.statuses), ...listed('trigger', filters.triggers), ...listed('job_type', filters.jobTypes), ...tagged].join(' AND ');
  return db.sqlite
    .prepare(`SELECT id FROM job_runs WHERE ${where} ORDER BY ${orderSql}`)
    .pluck()
    .all(...Object.values(filters.tags ?? {})) as number[];
}

/**
 * For every scope, filter set and order of ORDER_SQL: the pages, `limit` at a time, equal plainFilterIds. Returns how
 * many runs matched in all, so a property can tell that its filters found runs.
 */
export function expectPagesAsPlainFilter(db: AppDatabase, scopes: readonly TenantScope[], filterSets: readonly JobRunFilters[], limit: number): number {
  let matched = 0;
  for (const scope of scopes) {
    for (const filters of filterSets) {
      for (const [order, orderSql] of Object.entries(ORDER_SQL)) {
        const want = plainFilterIds(db, scope, filters, orderSql);
        matched += want.length;
        expect(pagedRunIds(db, scope, filters, sortOf(order), limit)).toEqual(want);
      }
    }
  }
  return matched;
}
