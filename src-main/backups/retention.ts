// The retention policy as a pure decision: which backups a prune removes. Kept: the newest `keepLast`, every backup
// younger than `keepDays` days, the backups an operation just made (`protect`), and for every schema version the
// newest of its backups, so that no version is ever left without one (a server-edition file counts as its own
// version; backups whose version is unknown, made by earlier versions of the app, as one more).
import { type BackupPolicy } from '../../src-shared/schemas/backups';

export const DAY_MS = 86_400_000;

export interface RetainedBackup {
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
  kind: string;
  schemaVersion: number | null;
}

/** The version a backup stands for, for the rule that keeps one backup of each. */
export function versionKey(backup: Pick<RetainedBackup, 'kind' | 'schemaVersion'>): string {
  if (backup.schemaVersion !== null) return `schema ${backup.schemaVersion}`;
  return backup.kind === 'legacy' ? 'server edition' : 'unknown';
}

/** The names a prune removes from `backups` under `policy` at `now`; the rest stay. Order of the input is irrelevant. */
export function backupsToPrune(backups: readonly RetainedBackup[], policy: BackupPolicy, now: number, protect: ReadonlySet<string> = new Set()): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  const kept = new Set<string>();
  newestFirst.forEach((backup, index) => {
    if (index < policy.keepLast || now - backup.createdAt < policy.keepDays * DAY_MS || protect.has(backup.name)) kept.add(backup.name);
  });
  const versionsKept = new Set(newestFirst.filter((backup) => kept.has(backup.name)).map(versionKey));
  for (const backup of newestFirst) {
    const version = versionKey(backup);
    if (versionsKept.has(version)) continue;
    kept.add(backup.name);
    versionsKept.add(version);
  }
  return newestFirst.filter((backup) => !kept.has(backup.name)).map((backup) => backup.name);
}
