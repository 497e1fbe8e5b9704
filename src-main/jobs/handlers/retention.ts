// runs.retention: deletes completed runs older than N days, in the run's own scope only, in short batches.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { and, count, inArray } from 'drizzle-orm';
import { jobRuns } from '../../db/schema';
import { recordAuditEvent } from '../../audit/record';
import { purgeableRuns, retentionCutoff } from '../../lifecycle/retention';
import type { RETENTION, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

export type RetentionParams = ParamsOf<typeof RETENTION>;

export const runRetention: JobHandler<RetentionParams> = async (ctx, params, signal) => {
  const cutoff = retentionCutoff(ctx.now().getTime(), params.olderThanDays);
  const { orm } = ctx.db;
  // ctx.scope is the run's own business or system-wide. Never this run itself.
  const purgeable = purgeableRuns(ctx.scope, cutoff, ctx.run.id);
  const total = orm.select({ n: count() }).from(jobRuns).where(purgeable).get()?.n ?? 0;
  let deleted = 0;
  let interrupted = true;
  ctx.reportProgress(0, `${total} run(s) to delete`);
  try {
    while (deleted < total) {
      signal.throwIfAborted();
      const batch = ctx.db.sqlite.transaction(() => {
        const ids = orm.select({ id: jobRuns.id }).from(jobRuns).where(purgeable).orderBy(jobRuns.id).limit(params.batchSize).all().map((row) => row.id);
        if (ids.length === 0) return 0;
        return orm.delete(jobRuns).where(and(purgeable, inArray(jobRuns.id, ids))).run().changes;
      }).immediate();
      if (batch === 0) break;
      deleted += batch;
      ctx.reportProgress(Math.min(1, deleted / total), `Deleted ${deleted} of ${total} run(s)`);
      // Between batches other work (the UI, a cancel) gets its turn.
      await yieldToEventLoop();
    }
    interrupted = false;
  } finally {
    recordAuditEvent(ctx.db, {
      actor: ctx.actor,
      action: 'runs.retention',
      target: { type: 'job_run', id: ctx.run.id },
      businessId: ctx.scope.kind === 'business' ? ctx.scope.businessId : null,
      details: { deleted, cutoff, olderThanDays: params.olderThanDays, scope: ctx.scope.kind, ...(interrupted ? { interrupted: true } : {}) },
    });
  }
  return { deleted, cutoff };
};
