// What a database holds, for `cli info`, the startup screen and the orphan banner.
import type { AdoptionReportView } from '../../src-shared/contract';
import type { AppDatabase } from '../db/connection';
import { META_LEGACY_ADOPTION, readMeta } from '../db/meta';
import { readAppliedHashes } from '../db/migrations';
import { countJobRuns } from '../history/runs';

export interface DatabaseInfo {
  path: string;
  schemaVersion: number;
  sqliteVersion: string;
  fileBytes: number;
  counts: {
    businesses: number;
    users: number;
    runs: number;
    systemRuns: number;
    /** Business-scoped runs whose business is missing. */
    orphanRuns: number;
    schedules: number;
    auditEvents: number;
  };
  /** Set when this file was converted from the server edition. */
  adoption: AdoptionReportView | null;
}

export function getDatabaseInfo(db: AppDatabase): DatabaseInfo {
  const { sqlite } = db;
  const count = (sql: string) => sqlite.prepare(sql).pluck().get() as number;
  const pageCount = sqlite.pragma('page_count', { simple: true }) as number;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  return {
    path: db.path,
    schemaVersion: readAppliedHashes(sqlite).length,
    sqliteVersion: sqlite.prepare('SELECT sqlite_version()').pluck().get() as string,
    fileBytes: pageCount * pageSize,
    counts: {
      businesses: count('SELECT count(*) FROM businesses'),
      users: count('SELECT count(*) FROM users'),
      // The runs from the rollups, as the system-wide and orphaned ones: count(*) walks an index of every run, on the
      // main thread at each app.status (30 ms the first time at a million runs; an index past the page cache at ten).
      runs: countJobRuns(db, { kind: 'all' }),
      systemRuns: countJobRuns(db, { kind: 'system' }),
      orphanRuns: countJobRuns(db, { kind: 'orphans' }),
      schedules: count('SELECT count(*) FROM job_schedules'),
      auditEvents: count('SELECT count(*) FROM audit_events'),
    },
    adoption: readMeta<AdoptionReportView>(db, META_LEGACY_ADOPTION) ?? null,
  };
}
