// Pages of the history filtered by tags, in creation order, from job_run_tags (drizzle/0025_run_tags.sql): its
// primary key (key, value, owner, created_at, run_id) walks one owner's runs with the first tag in order, its
// job_run_tags_all_idx every owner's, so a page reads about as many index entries as the runs it shows, whether the
// tag is rare or common. Each run is read by id (CROSS JOIN keeps job_run_tags the outer loop) through the scope's
// conditions like every read; the other tags are probes of the same primary key, the other filters checked on each run.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { businesses, jobRuns, jobRunTags } from '../db/schema';
import type { TenantScope } from '../../src-shared/tenancy';
import { preparedOwnerCondition, preparedRunScopeCondition, runScopeValues } from '../tenancy/owner-sql';
import { type JobRunListRow, listColumns, TRIGGERED_BY_NAME } from './views';

type Direction = 'asc' | 'desc';
type Row = JobRunListRow & { businessName: string | null };

const t = jobRunTags;

/**
 * The runs in `scope` that carry every tag of `tags` (at least one) and meet `filters` (further conditions on
 * job_runs), by created_at then id in `direction`, after a position, at most `size + 1` of them. Without further
 * filters the statement is built once per connection and shape.
 */
export function taggedPage(
  db: AppDatabase,
  scope: TenantScope,
  tags: readonly [key: string, value: string][],
  filters: SQL[],
  direction: Direction,
  after: { key: number; id: number } | null,
  size: number,
): Row[] {
  if (tags.length === 0) throw new Error('taggedPage needs at least one tag');
  // Always with placeholders: the statement is the same for every page of this shape, only the values change.
  const build = () => {
    const order = direction === 'desc' ? desc : asc;
    const [beyond, beyondOrAt] = direction === 'desc' ? [sql.raw('<'), sql.raw('<=')] : [sql.raw('>'), sql.raw('>=')];
    const [afterKey, afterId] = [sql.placeholder('afterKey'), sql.placeholder('afterId')];
    const position = after ? sql`(${t.createdAt} ${beyondOrAt} ${afterKey} AND (${t.createdAt} ${beyond} ${afterKey} OR ${t.runId} ${beyond} ${afterId}))` : undefined;
    // Each further tag: one probe of the primary key at the run's own (owner, created_at, run_id).
    const alsoTagged = tags.slice(1).map(
      (_, i) =>
        sql`EXISTS (SELECT 1 FROM ${t} AS also WHERE also.key = ${sql.placeholder(`key${i + 1}`)} AND also.value = ${sql.placeholder(`value${i + 1}`)} AND also.owner = ${t.owner} AND also.created_at = ${t.createdAt} AND also.run_id = ${t.runId})`,
    );
    return db.orm
      .select({ ...listColumns, businessName: businesses.name, triggeredByName: TRIGGERED_BY_NAME })
      .from(t)
      .crossJoin(jobRuns)
      .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
      .where(
        and(
          eq(jobRuns.id, t.runId),
          sql`${t.key} = ${sql.placeholder('key0')}`,
          sql`${t.value} = ${sql.placeholder('value0')}`,
          preparedOwnerCondition(scope.kind, t.owner),
          preparedRunScopeCondition(scope.kind),
          position,
          ...alsoTagged,
          ...filters,
        ),
      )
      .orderBy(order(t.createdAt), order(t.runId))
      .limit(sql.placeholder('limit'))
      .prepare();
  };
  // Further filters carry their own values in the SQL: such a statement is built for its call alone.
  const statement = filters.length > 0 ? build() : preparedOnce(db, `runs.tagged:${scope.kind}:${direction}:${tags.length}:${after ? 'after' : 'first'}`, build);
  const bound: Record<string, unknown> = { ...runScopeValues(scope), afterKey: after?.key, afterId: after?.id, limit: size + 1 };
  tags.forEach(([key, value], i) => {
    bound[`key${i}`] = key;
    bound[`value${i}`] = value;
  });
  return statement.all(bound);
}
