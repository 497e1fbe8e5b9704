// Promises of the database lifecycle: migrate on open, back up first, never lose a row, refuse what is not ours.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src-main/db/migrations';
import { openAppDatabase, StartupError } from '../../src-main/startup';
import { migrationsFolder } from '../helpers/migrations';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';
import { keptBackupNames } from '../helpers/backups';

/** The schema version of this app: how many migrations it ships. */
const LATEST = loadMigrations(MIGRATIONS_FOLDER).length;

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function createDatabase(file: string, folder = MIGRATIONS_FOLDER): Promise<void> {
  const { db } = await openAppDatabase(file, { migrationsFolder: folder });
  db.close();
}

/** Three businesses, each with runs (some retries of others) and a member; one system run. */
function populate(file: string): void {
  const sqlite = new Database(file);
  sqlite.pragma('foreign_keys = ON');
  const now = Date.UTC(2026, 10, 1);
  sqlite.transaction(() => {
    for (let b = 1; b <= 3; b++) {
      sqlite.prepare('INSERT INTO businesses (id, name, created_at) VALUES (?, ?, ?)').run(b, `Business ${b}`, now);
      sqlite
        .prepare("INSERT INTO users (email, role, business_id, created_at) VALUES (?, 'member', ?, ?)")
        .run(`member${b}@example.test`, b, now);
      for (let i = 0; i < 40; i++) {
        sqlite
          .prepare(
            "INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, retry_of_run_id) VALUES ('business', ?, 'diagnostics.probe', 'completed', 'manual', ?, ?)",
          )
          .run(b, now + i, i > 0 && i % 10 === 0 ? i : null);
      }
    }
    sqlite
      .prepare("INSERT INTO job_runs (scope, job_type, status, trigger, created_at) VALUES ('system', 'maintenance.backup', 'completed', 'system', ?)")
      .run(now);
  })();
  sqlite.close();
}

function snapshot(file: string) {
  const sqlite = new Database(file, { readonly: true });
  try {
    return {
      businesses: sqlite.prepare('SELECT * FROM businesses ORDER BY id').all(),
      users: sqlite.prepare('SELECT * FROM users ORDER BY id').all(),
      runs: sqlite.prepare('SELECT * FROM job_runs ORDER BY id').all(),
      migrations: sqlite.prepare('SELECT hash FROM __drizzle_migrations ORDER BY id').pluck().all(),
    };
  } finally {
    sqlite.close();
  }
}

// What drizzle-kit generates when a parent table must be rebuilt (e.g. a column's type or constraint changes).
const REBUILD_BUSINESSES = `PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE \`__new_businesses\` (
	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`legacy_id\` text,
	\`name\` text NOT NULL,
	\`created_at\` integer NOT NULL,
	\`disabled_at\` integer,
	\`note\` text DEFAULT '' NOT NULL,
	CONSTRAINT "businesses_name_not_blank" CHECK(length(trim("__new_businesses"."name")) > 0)
);
--> statement-breakpoint
INSERT INTO \`__new_businesses\`("id", "legacy_id", "name", "created_at", "disabled_at") SELECT "id", "legacy_id", "name", "created_at", "disabled_at" FROM \`businesses\`;--> statement-breakpoint
DROP TABLE \`businesses\`;--> statement-breakpoint
ALTER TABLE \`__new_businesses\` RENAME TO \`businesses\`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX \`businesses_name_unique\` ON \`businesses\` ("name" COLLATE NOCASE);`;

describe('opening a database', () => {
  it('creates a new file with every migration applied, in WAL mode with foreign keys enforced', async () => {
    const file = tempDbPath();
    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      expect(report).toMatchObject({ created: true, schemaVersion: LATEST, migrated: { from: 0, to: LATEST, backupPath: null } });
      expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
      expect(db.sqlite.pragma('user_version', { simple: true })).toBe(LATEST);
    } finally {
      db.close();
    }
  });

  it('opens an up-to-date database without migrating or backing up', async () => {
    const file = tempDbPath();
    await createDatabase(file);
    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();
    expect(report).toMatchObject({ created: false, migrated: null, adoption: null });
    expect(keptBackupNames(file)).toEqual([]);
  });

  it('backs up a database before migrating it, naming the backup with the schema version it had', async () => {
    const file = tempDbPath();
    await createDatabase(file, migrationsFolder({ keep: 1 }));
    populate(file);
    const before = snapshot(file);

    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();

    expect(report.migrated).toMatchObject({ from: 1, to: LATEST });
    const backupPath = report.migrated!.backupPath!;
    expect(path.dirname(backupPath)).toBe(path.join(path.dirname(file), 'backups'));
    expect(path.basename(backupPath)).toMatch(/^schema-1-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/);
    expect(snapshot(backupPath)).toEqual(before);
    // Every run as it was; later migrations add heartbeat_at, empty until a runner records one, rerun_of_run_id and tags.
    expect(snapshot(file).runs).toEqual(before.runs.map((run) => ({ ...(run as object), heartbeat_at: null, rerun_of_run_id: null, tags: null })));
  });

  it('keeps every child row when a migration rebuilds a parent table (the drizzle SQLite cascade trap)', async () => {
    const folder = migrationsFolder({ extra: { '0002_rebuild_businesses': REBUILD_BUSINESSES } });
    const file = tempDbPath();
    await createDatabase(file);
    populate(file);
    const before = snapshot(file);
    expect(before.runs).toHaveLength(121);

    const { db, report } = await openAppDatabase(file, { migrationsFolder: folder });
    db.close();

    expect(report.migrated).toMatchObject({ from: LATEST, to: LATEST + 1 });
    const after = snapshot(file);
    expect(after.runs).toEqual(before.runs);
    expect(after.users).toEqual(before.users);
    expect(after.businesses).toEqual(before.businesses.map((b) => ({ ...(b as object), note: '' })));
  });

  it('shows the trap is real: drizzle’s own migrator on the same file cascades the runs away', async () => {
    const folder = migrationsFolder({ extra: { '0002_rebuild_businesses': REBUILD_BUSINESSES } });
    const file = tempDbPath();
    await createDatabase(file);
    populate(file);

    const sqlite = new Database(file);
    sqlite.pragma('foreign_keys = ON');
    drizzleMigrate(drizzle(sqlite), { migrationsFolder: folder });
    const businessRuns = sqlite.prepare("SELECT count(*) FROM job_runs WHERE scope = 'business'").pluck().get();
    const linkedUsers = sqlite.prepare('SELECT count(*) FROM users WHERE business_id IS NOT NULL').pluck().get();
    sqlite.close();

    expect(businessRuns).toBe(0);
    expect(linkedUsers).toBe(0);
  });

  it('leaves the file exactly as it was, with the backup present, when a migration fails', async () => {
    const folder = migrationsFolder({
      extra: {
        '0002_fine': 'CREATE TABLE `scratch` (`id` integer PRIMARY KEY);',
        '0003_broken': 'DELETE FROM `businesses`;--> statement-breakpoint\nINSERT INTO `no_such_table` VALUES (1);',
      },
    });
    const file = tempDbPath();
    await createDatabase(file);
    populate(file);
    const before = snapshot(file);
    const hashBefore = sha256(file);

    const failure = await openAppDatabase(file, { migrationsFolder: folder }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(StartupError);
    const error = failure as StartupError;
    expect(error.reason).toBe('migration_failed');
    expect(error.message).toContain(`schema ${LATEST} to ${LATEST + 2}`);
    expect(error.message).toMatch(/no_such_table/);
    expect(sha256(file)).toBe(hashBefore);
    expect(snapshot(file)).toEqual(before);
    expect(error.backupPath).not.toBeNull();
    expect(snapshot(error.backupPath!)).toEqual(before);
  });

  it('refuses a database written by a newer app, and changes nothing in it', async () => {
    const file = tempDbPath();
    await createDatabase(file);
    const sqlite = new Database(file);
    sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), 9_999_999_999_999);
    sqlite.close();
    const hashBefore = sha256(file);

    const failure = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as StartupError).reason).toBe('newer_schema');
    expect((failure as StartupError).message).toContain(`schema version ${LATEST + 1}, and this app knows versions up to ${LATEST}`);
    expect(sha256(file)).toBe(hashBefore);
  });

  it('refuses a database whose applied migrations differ from the ones this app ships', async () => {
    const file = tempDbPath();
    await createDatabase(file);
    const sqlite = new Database(file);
    sqlite.prepare('UPDATE __drizzle_migrations SET hash = ? WHERE id = (SELECT max(id) FROM __drizzle_migrations)').run('0'.repeat(64));
    sqlite.close();

    const failure = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).catch((e: unknown) => e);
    expect((failure as StartupError).reason).toBe('newer_schema');
    expect((failure as StartupError).message).toContain(`migration ${LATEST} is not the one this app ships`);
  });

  it('refuses another application’s SQLite file without switching it to WAL or touching it', async () => {
    const file = tempDbPath('other.sqlite');
    const sqlite = new Database(file);
    sqlite.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);");
    sqlite.close();
    const hashBefore = sha256(file);

    const failure = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).catch((e: unknown) => e);

    expect((failure as StartupError).reason).toBe('not_an_app_database');
    expect((failure as StartupError).message).toMatch(/tables: invoices/);
    expect(sha256(file)).toBe(hashBefore);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['other.sqlite']);
  });

  it('refuses a file that is not a SQLite database with a message that says so', async () => {
    const file = tempDbPath('notes.txt');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));

    const failure = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).catch((e: unknown) => e);

    expect((failure as StartupError).reason).toBe('cannot_open');
    expect((failure as StartupError).message).toMatch(/not a SQLite database/);
  });

  it('reports progress while backing up and migrating', async () => {
    const file = tempDbPath();
    await createDatabase(file, migrationsFolder({ keep: 1 }));
    populate(file);
    const phases: string[] = [];
    const { db } = await openAppDatabase(file, {
      migrationsFolder: MIGRATIONS_FOLDER,
      onProgress: (p) => {
        expect(p.done).toBeLessThanOrEqual(p.total);
        if (phases[phases.length - 1] !== p.phase) phases.push(p.phase);
      },
    });
    db.close();
    // The file has runs: the migration that made the sort tables leaves them to fill once it has committed.
    expect(phases).toEqual(['Backing up before migrating', 'Migrating', 'Preparing the sorted history']);
  });
});

describe('the audit log', () => {
  it('refuses UPDATE and DELETE of recorded events', async () => {
    const { db } = await openAppDatabase(tempDbPath(), { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      db.sqlite.prepare("INSERT INTO audit_events (at, actor_label, action) VALUES (1, 'cli', 'test.event')").run();
      expect(() => db.sqlite.prepare("UPDATE audit_events SET action = 'changed'").run()).toThrow(/append-only/);
      expect(() => db.sqlite.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
      expect(db.sqlite.prepare('SELECT action FROM audit_events').pluck().all()).toEqual(['test.event']);
    } finally {
      db.close();
    }
  });
});
