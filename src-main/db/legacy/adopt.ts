// Adopting a database of the earlier server edition (SQLAlchemy/Alembic). IMPLEMENTATION PENDING.
import type Database from 'better-sqlite3';
import type { ProgressListener } from '../../../src-shared/progress';
import type { AppDatabase } from '../connection';
import type { Migration } from '../migrations';

export type LegacyShape = 'pre_tenant' | 'tenant';

export interface LegacyInspection {
  revision: string | null;
  shape: LegacyShape;
  counts: { businesses: number; users: number; runs: number; runsWithoutBusiness: number; runsWithMissingBusiness: number };
}

export interface AdoptionReport {
  revision: string | null;
  shape: LegacyShape;
  backupPath: string;
  businesses: number;
  users: number;
  runs: number;
  orphans: number;
  durationMs: number;
  notes: string[];
}

export function inspectLegacyDatabase(_sqlite: Database.Database): LegacyInspection | null {
  return null;
}

export async function adoptLegacyDatabase(
  _db: AppDatabase,
  _migrations: Migration[],
  _options: { onProgress?: ProgressListener; now?: () => Date },
): Promise<AdoptionReport> {
  throw new Error('not implemented');
}
