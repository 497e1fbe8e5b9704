// Backups of the database file, made with SQLite's online backup API (consistent while others read).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

export interface BackupProgress {
  copiedPages: number;
  totalPages: number;
}

/** `automation.db` + label `schema-2` → `automation.db.schema-2.2026-11-26T15-05-00-123Z.backup`, next to it. */
export function backupPathFor(file: string, label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(file), `${path.basename(file)}.${label}.${stamp}.backup`);
}

export async function backupDatabase(
  sqlite: Database.Database,
  destination: string,
  onProgress?: (progress: BackupProgress) => void,
): Promise<{ path: string; bytes: number }> {
  if (fs.existsSync(destination)) throw new Error(`Refusing to overwrite an existing backup: ${destination}`);
  await sqlite.backup(destination, {
    progress({ totalPages, remainingPages }) {
      onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
      return 4096;
    },
  });
  return { path: destination, bytes: fs.statSync(destination).size };
}
