// Server-edition (SQLAlchemy/Alembic) database files at each of their three revisions, filled with seeded
// random data in every spelling the server edition allowed. The DDL is what SQLAlchemy's create_all and
// Alembic's batch mode leave in sqlite_master.
import { SeededRandom } from './random';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type LegacyRevisionName = 'pre_tenant' | 'tenant' | 'cleaned';

export const LEGACY_REVISIONS: Record<LegacyRevisionName, string> = {
  pre_tenant: '1042e3384203',
  tenant: '41bb836dfc6f',
  cleaned: '42_cleanup_orphaned',
};

const ALEMBIC_VERSION = `
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)`;

const BUSINESSES = `
CREATE TABLE businesses (
	id CHAR(36) NOT NULL, 
	name VARCHAR NOT NULL, 
	created_at DATETIME, 
	PRIMARY KEY (id)
)`;

const USERS = `
CREATE TABLE users (
	id CHAR(36) NOT NULL, 
	email VARCHAR NOT NULL, 
	role VARCHAR, 
	business_id CHAR(36), 
	PRIMARY KEY (id), 
	FOREIGN KEY(business_id) REFERENCES businesses (id)
)`;

const JOB_RUNS_PRE_TENANT = `
CREATE TABLE job_runs (
	id CHAR(36) NOT NULL, 
	job_type VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	started_at DATETIME, 
	completed_at DATETIME, 
	duration_seconds FLOAT, 
	error_message TEXT, 
	result JSON, 
	triggered_by VARCHAR, 
	created_at DATETIME, 
	PRIMARY KEY (id)
)`;

// Alembic's batch mode rebuilt the table to add the named foreign key: the new column comes last.
const JOB_RUNS_TENANT = `
CREATE TABLE "job_runs" (
	id CHAR(36) NOT NULL, 
	job_type VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	started_at DATETIME, 
	completed_at DATETIME, 
	duration_seconds FLOAT, 
	error_message TEXT, 
	result JSON, 
	triggered_by VARCHAR, 
	created_at DATETIME, 
	business_id CHAR(36), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_job_runs_business_id FOREIGN KEY(business_id) REFERENCES businesses (id) ON DELETE CASCADE
)`;

const COMMON_INDEXES = [
  'CREATE UNIQUE INDEX ix_users_email ON users (email)',
  'CREATE INDEX ix_job_runs_job_type ON job_runs (job_type)',
  'CREATE INDEX ix_job_runs_status ON job_runs (status)',
];

const TENANT_INDEXES = [
  'CREATE INDEX ix_job_runs_business_id ON job_runs (business_id)',
  'CREATE INDEX ix_job_runs_business_status ON job_runs (business_id, status)',
  'CREATE INDEX ix_job_runs_business_type ON job_runs (business_id, job_type)',
];

export function legacySchemaSql(revision: LegacyRevisionName): string[] {
  const tenant = revision !== 'pre_tenant';
  return [
    ALEMBIC_VERSION,
    BUSINESSES,
    USERS,
    tenant ? JOB_RUNS_TENANT : JOB_RUNS_PRE_TENANT,
    ...COMMON_INDEXES,
    ...(tenant ? TENANT_INDEXES : []),
  ];
}

export interface LegacyBusiness {
  id: string;
  name: string;
  created_at: string | null;
}

export interface LegacyUser {
  id: string;
  email: string;
  role: string | null;
  business_id: string | null;
}

export interface LegacyRun {
  id: string;
  job_type: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  error_message: string | null;
  result: string | null;
  triggered_by: string | null;
  created_at: string | null;
  /** Absent (undefined) in the pre-tenant shape. */
  business_id?: string | null;
}

export interface LegacyFixture {
  path: string;
  revision: LegacyRevisionName;
  alembicRevision: string;
  businesses: LegacyBusiness[];
  users: LegacyUser[];
  /** Empty when the fixture was built with `keepRuns: false` (benchmarks). */
  runs: LegacyRun[];
  runCount: number;
}

export interface LegacyFixtureOptions {
  revision: LegacyRevisionName;
  businesses?: number;
  users?: number;
  runs?: number;
  seed?: number;
  /** The server edition left files in rollback-journal mode; tests of byte-identity may want WAL. */
  journalMode?: 'delete' | 'wal';
  keepRuns?: boolean;
}

/** Creates a server-edition database file at `file` and returns the rows it holds, in insertion (rowid) order. */
export function createLegacyDatabase(file: string, options: LegacyFixtureOptions): LegacyFixture {
  const { revision, seed = 1, journalMode = 'delete', keepRuns = true } = options;
  const businessCount = options.businesses ?? 12;
  const userCount = options.users ?? Math.max(10, businessCount * 3);
  const runCount = options.runs ?? 500;
  const random = new LegacyDataGenerator(seed);

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma(`journal_mode = ${journalMode}`);
    // better-sqlite3 turns them on; the server edition's connections left them off, hence the dangling ids.
    sqlite.pragma('foreign_keys = OFF');
    for (const statement of legacySchemaSql(revision)) sqlite.exec(statement);
    const fixture: LegacyFixture = {
      path: file,
      revision,
      alembicRevision: LEGACY_REVISIONS[revision],
      businesses: [],
      users: [],
      runs: [],
      runCount,
    };
    sqlite.transaction(() => {
      sqlite.prepare('INSERT INTO alembic_version (version_num) VALUES (?)').run(fixture.alembicRevision);
      const insertBusiness = sqlite.prepare('INSERT INTO businesses (id, name, created_at) VALUES (@id, @name, @created_at)');
      for (let i = 0; i < businessCount; i++) {
        const business = random.business(i, fixture.businesses);
        insertBusiness.run(business);
        fixture.businesses.push(business);
      }
      const insertUser = sqlite.prepare('INSERT INTO users (id, email, role, business_id) VALUES (@id, @email, @role, @business_id)');
      for (let i = 0; i < userCount; i++) {
        const user = random.user(i, fixture.businesses);
        insertUser.run(user);
        fixture.users.push(user);
      }
      const columns = revision === 'pre_tenant' ? RUN_COLUMNS : [...RUN_COLUMNS, 'business_id'];
      const insertRun = sqlite.prepare(
        `INSERT INTO job_runs (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      );
      for (let i = 0; i < runCount; i++) {
        const run = random.run(revision, fixture.businesses, fixture.users);
        insertRun.run(run);
        if (keepRuns) fixture.runs.push(run);
      }
    })();
    return fixture;
  } finally {
    sqlite.close();
  }
}

const RUN_COLUMNS = [
  'id',
  'job_type',
  'status',
  'started_at',
  'completed_at',
  'duration_seconds',
  'error_message',
  'result',
  'triggered_by',
  'created_at',
];

export const LEGACY_ROLE_SPELLINGS = [
  'system_admin', 'sysadmin', 'superuser', 'super_admin',
  'business_admin', 'admin', 'owner',
  'member', 'user', 'viewer', 'staff',
];

export const LEGACY_STATUS_SPELLINGS = [
  'pending', 'queued', 'scheduled',
  'running', 'in_progress', 'started',
  'completed', 'success', 'succeeded', 'done', 'ok',
  'failed', 'error', 'errored', 'failure',
  'cancelled', 'canceled', 'aborted',
];

const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Tyrell'];
// diagnostics.probe is a type this app has a handler for too: its adopted runs are of a type the runner could run.
const JOB_TYPES = ['sync_orders', 'send_invoices', 'nightly_backup', 'recalculate_stats', 'import_catalog', 'diagnostics.probe'];
const LABELS = ['scheduler', 'api', 'cron', 'System'];
const NON_JSON_RESULTS = ['done', '', 'Traceback (most recent call last):\n  File "x.py"', "{'rows': 3}", '{"unterminated": ', 'NaN', '[1, 2,]'];

/** Seeded data in every spelling the server edition allowed. Deterministic for a seed (mulberry32). */
export class LegacyDataGenerator extends SeededRandom {
  private readonly baseMs = Date.UTC(2025, 0, 1);

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  uuid(): string {
    const a = this.hex8();
    const b = this.hex8();
    const c = this.hex8();
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${'89ab'[this.int(4)]}${c.slice(1, 4)}-${c.slice(4)}${this.hex8()}`;
  }

  private hex8(): string {
    return Math.floor(this.next() * 4294967296)
      .toString(16)
      .padStart(8, '0');
  }

  /** Random case, as people and old code wrote enum values: 'Completed', 'SUCCESS', 'done'. */
  spelling(value: string): string {
    const style = this.int(4);
    if (style === 0) return value.toUpperCase();
    if (style === 1) return value.charAt(0).toUpperCase() + value.slice(1);
    return value;
  }

  /** Naive UTC text as SQLAlchemy wrote it: with microseconds, without, or on a rounding edge. */
  datetime(ms: number): string {
    const iso = new Date(ms).toISOString();
    const seconds = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    const style = this.int(10);
    if (style < 3) return seconds;
    if (style === 3) return `${seconds}.${this.pick(['000500', '999500', '999999', '123500', '284500', '000499', '5'])}`;
    return `${seconds}.${String(this.int(1_000_000)).padStart(6, '0')}`;
  }

  business(index: number, earlier: readonly LegacyBusiness[]): LegacyBusiness {
    // Every fifth business reuses an earlier name in another case; the new schema's names are unique without case.
    const name =
      index % 5 === 4 && earlier.length > 0
        ? this.spelling(this.pick(earlier).name)
        : `${this.pick(NAMES)} ${index}`;
    const created = this.chance(0.15) ? null : this.datetime(this.baseMs + this.int(200) * 86_400_000);
    return { id: this.uuid(), name, created_at: created };
  }

  user(index: number, businesses: readonly LegacyBusiness[]): LegacyUser {
    const roll = this.next();
    const business_id =
      businesses.length === 0 || roll < 0.1 ? null : roll < 0.15 ? this.uuid() : this.pick(businesses).id;
    const role = index % 13 === 12 ? null : this.spelling(LEGACY_ROLE_SPELLINGS[index % LEGACY_ROLE_SPELLINGS.length]!);
    const email = `${this.spelling(`user${index}`)}@${this.spelling('example.com')}`;
    return { id: this.uuid(), email, role, business_id };
  }

  run(revision: LegacyRevisionName, businesses: readonly LegacyBusiness[], users: readonly LegacyUser[]): LegacyRun {
    const createdMs = this.baseMs + this.int(365 * 86_400_000);
    const startedMs = createdMs + this.int(60_000);
    const finishedMs = startedMs + this.int(3_600_000);
    const run: LegacyRun = {
      id: this.uuid(),
      job_type: this.pick(JOB_TYPES),
      status: this.spelling(this.pick(LEGACY_STATUS_SPELLINGS)),
      started_at: this.chance(0.1) ? null : this.datetime(startedMs),
      completed_at: this.chance(0.2) ? null : this.datetime(finishedMs),
      duration_seconds: this.chance(0.3) ? null : (finishedMs - startedMs) / 1000 + this.int(1000) / 1e6,
      error_message: this.chance(0.8) ? null : `Error ${this.int(100)}: something broke`,
      result: this.result(),
      triggered_by: this.triggeredBy(users),
      created_at: this.chance(0.1) ? null : this.datetime(createdMs),
    };
    if (revision !== 'pre_tenant') run.business_id = this.runBusiness(revision, businesses);
    return run;
  }

  private result(): string | null {
    const roll = this.next();
    if (roll < 0.2) return null;
    if (roll < 0.35) return this.pick(NON_JSON_RESULTS);
    return JSON.stringify({ rows: this.int(10_000), note: this.chance(0.5) ? 'ok' : 'ünïcode ✓' });
  }

  private triggeredBy(users: readonly LegacyUser[]): string | null {
    const roll = this.next();
    if (roll < 0.2 || users.length === 0) return null;
    if (roll < 0.45) return this.pick(users).id;
    if (roll < 0.7) {
      const email = this.pick(users).email;
      return this.chance(0.5) ? email.toUpperCase() : email;
    }
    return this.pick(LABELS);
  }

  private runBusiness(revision: LegacyRevisionName, businesses: readonly LegacyBusiness[]): string | null {
    const roll = this.next();
    // After 42_cleanup_orphaned the NULL-business runs were deleted; a few appeared again later.
    const nullShare = revision === 'cleaned' ? 0.02 : 0.1;
    if (roll < nullShare || businesses.length === 0) return null;
    if (roll < nullShare + 0.05) return this.uuid();
    return this.pick(businesses).id;
  }
}
