// reports.monthly_usage: one business's usage for one month, written as CSV to the exports folder.
import { writeUsageCsv } from '../../usage/usage';
import type { MONTHLY_USAGE, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

export type MonthlyUsageParams = ParamsOf<typeof MONTHLY_USAGE>;

/** The UTC month before the one containing `ms`, as YYYY-MM. */
export function previousMonthOf(ms: number): string {
  const date = new Date(ms);
  const previous = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1));
  return previous.toISOString().slice(0, 7);
}

export const runMonthlyUsage: JobHandler<MonthlyUsageParams> = async (ctx, params, signal) => {
  signal.throwIfAborted();
  if (ctx.scope.kind !== 'business') throw new Error('reports.monthly_usage runs for one business only');
  const month = params.month ?? previousMonthOf(ctx.run.createdAt);
  ctx.reportProgress(0, `Writing the usage of ${month}`);
  const written = writeUsageCsv(ctx.db, ctx.scope, { fromMonth: month, toMonth: month }, ctx.exportsFolder, `business-${ctx.scope.businessId}`);
  ctx.reportProgress(1, `Wrote ${written.rows} row(s)`);
  return written;
};
