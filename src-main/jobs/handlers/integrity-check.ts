// maintenance.integrity_check: SQLite's integrity and foreign-key checks over the whole file, and the
// rollups against a recount of the runs.
import { whenRollupsCounted } from '../../adoption/after-open';
import { dailyRollupDrift, runCountDrift } from '../../db/rollup-drift';
import type { INTEGRITY_CHECK, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

const MAX_LISTED = 20;

interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

export const runIntegrityCheck: JobHandler<ParamsOf<typeof INTEGRITY_CHECK>> = async (ctx, _params, signal) => {
  signal.throwIfAborted();
  ctx.reportProgress(0, 'Checking page and index integrity');
  const integrity = (ctx.db.sqlite.pragma('integrity_check') as { integrity_check: string }[])
    .map((row) => row.integrity_check)
    .filter((line) => line !== 'ok');
  signal.throwIfAborted();
  ctx.reportProgress(0.5, 'Checking foreign keys');
  const violations = ctx.db.sqlite.pragma('foreign_key_check') as ForeignKeyViolation[];
  signal.throwIfAborted();
  ctx.reportProgress(0.8, 'Recounting runs per owner, job type and day');
  // Rollups an adoption left to count are pending work, not drift: counted first, off this thread.
  await whenRollupsCounted(ctx.db);
  const drift = [
    ...runCountDrift(ctx.db.sqlite).map((d) => `run counts: owner ${d.owner}, ${d.jobType}: kept ${d.kept}, counted ${d.counted}`),
    ...dailyRollupDrift(ctx.db.sqlite).map((d) => `${d.table}: ${d.key}: kept ${d.kept}, counted ${d.counted}`),
  ];
  ctx.reportProgress(1, 'Checks finished');
  if (integrity.length > 0 || violations.length > 0 || drift.length > 0) {
    const findings = [
      ...integrity.map((line) => `integrity: ${line}`),
      ...violations.map((v) => `foreign key: ${v.table} row ${v.rowid ?? '?'} references a missing ${v.parent} row`),
      ...drift,
    ];
    const listed = findings.slice(0, MAX_LISTED).join('; ');
    const more = findings.length > MAX_LISTED ? `; and ${findings.length - MAX_LISTED} more` : '';
    throw new Error(
      `Integrity check found ${integrity.length} integrity problem(s), ${violations.length} foreign key violation(s) and ${drift.length} ` +
        `run count(s) off: ${listed}${more}`,
    );
  }
  return { integrity: 'ok', foreignKeyViolations: 0, runCountsOff: 0, checkedAt: ctx.now().getTime() };
};
