// The benchmark's databases, built once and reused: a file is named by a hash of its generator's parameters,
// GENERATOR_VERSION and the migrations (names and hashes), so a new migration or generator means a new file.
// Files live in bench/.data/ (git-ignored); `rm -rf bench/.data` forgets them all.
//
// The app dataset: businesses whose sizes follow a Zipf law (a few large, many small), `days` of history
// ending when it was built, mostly completed, ~5% failed, ~1% cancelled, ~0.1% still pending or running (the
// newest), lognormal queue delays and durations per job type, orphans (business-scoped, no business) and
// system runs, manual / scheduled / retried runs, a few by real users. Rows go in through raw prepared
// statements with the run indexes dropped, which are then recreated from their own SQL (same schema, built
// by sorting instead of a million B-tree inserts); the file is then opened once through openAppDatabase,
// which checks its foreign keys and leaves the statistics the app would.
import { SeededRandom } from '../test/helpers/random';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { loadMigrations } from '../src-main/db/migrations';
import { openAppDatabase } from '../src-main/startup';
import { hashPassword } from '../src-main/accounts/passwords';
import { RUN_STATUSES, type RunStatus } from '../src-shared/domain';
import { createLegacyDatabase } from '../test/helpers/legacy-fixtures';
import { progressBar } from './stats';

/** Bump when the generator changes what it writes: every cached file is then rebuilt. */
export const GENERATOR_VERSION = 2;
export const BENCH_PASSWORD = 'benchmark password 1M';
export const DAY_MS = 86_400_000;

export interface DatasetParams {
  runs: number;
  businesses: number;
  /** Orphans: exactly floor(runs × share), spread evenly. */
  orphanShare: number;
  /** System runs: each non-orphan run with this probability. */
  systemShare: number;
  days: number;
  /** Business sizes ∝ 1 / rank^zipf. */
  zipf: number;
  seed: number;
}

/** The parameters of the bench's runs dataset (`npm run bench`'s items and bench/cold-window.ts share its file). */
export function runsDatasetParams(runs: number, businesses: number): DatasetParams {
  return { runs, businesses, orphanShare: 0.01, systemShare: 0.01, days: 90, zipf: 1, seed: 1 };
}

export interface DatasetBusiness {
  id: number;
  name: string;
  runs: number;
  /** 1 = the largest. */
  rank: number;
}

export interface DatasetUser {
  id: number;
  email: string;
  businessId: number | null;
}

export interface DatasetManifest {
  key: string;
  generatorVersion: number;
  params: DatasetParams;
  migrations: string[];
  /** Epoch ms: the history ends here (when the file was built). */
  endsAt: number;
  buildSeconds: number;
  counts: {
    runs: number;
    businessRuns: number;
    orphans: number;
    systemRuns: number;
    byStatus: Record<RunStatus, number>;
    schedules: number;
    users: number;
  };
  /** Largest first. */
  businesses: DatasetBusiness[];
  users: { admin: DatasetUser; member: DatasetUser };
  password: string;
}

export interface Dataset {
  file: string;
  manifest: DatasetManifest;
  reused: boolean;
}

export interface BuildOptions {
  dataDir: string;
  migrationsFolder: string;
  /** File name prefix: `runs`, `orphans`. */
  name: string;
  log: (line: string) => void;
}

// ---- Cache ----------------------------------------------------------------------------------------

function sha256(text: string | Buffer): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The migrations as the key sees them: file name and hash, in order. */
export function migrationList(migrationsFolder: string): string[] {
  const names = fs
    .readdirSync(migrationsFolder)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const hashes = loadMigrations(migrationsFolder).map((m) => m.hash);
  return names.map((name, i) => `${name}:${hashes[i] ?? '?'}`);
}

function readManifest(file: string): DatasetManifest | null {
  try {
    return JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as DatasetManifest;
  } catch {
    return null;
  }
}

export function readDatasetManifest(file: string): DatasetManifest {
  const manifest = readManifest(file);
  if (!manifest) throw new Error(`No dataset manifest beside ${file}`);
  return manifest;
}

/** The dataset for these parameters: the cached file when its key matches, else a new one. */
export async function ensureDataset(params: DatasetParams, options: BuildOptions): Promise<Dataset> {
  const migrations = migrationList(options.migrationsFolder);
  const key = sha256(JSON.stringify({ generatorVersion: GENERATOR_VERSION, params, migrations })).slice(0, 16);
  const file = path.join(options.dataDir, `${options.name}-${key}.db`);
  const cached = readManifest(file);
  if (cached?.key === key && fs.existsSync(file)) return { file, manifest: cached, reused: true };

  fs.mkdirSync(options.dataDir, { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  removeDatabaseFiles(partial);
  try {
    const manifest = await buildDataset(partial, key, params, migrations, options);
    fs.renameSync(partial, file);
    fs.writeFileSync(`${file}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    return { file, manifest, reused: false };
  } finally {
    removeDatabaseFiles(partial);
  }
}

/** A server-edition (pre-tenant) file of `runs` runs, cached by its parameters and the fixture generator's source. */
export function ensureLegacySource(
  params: { runs: number; businesses: number; seed: number },
  options: Pick<BuildOptions, 'dataDir' | 'log'>,
): { file: string; reused: boolean; buildSeconds: number } {
  const generator = fs.readFileSync(path.resolve(__dirname, '../test/helpers/legacy-fixtures.ts'));
  const key = sha256(JSON.stringify({ params, generator: sha256(generator) })).slice(0, 16);
  const file = path.join(options.dataDir, `legacy-pre_tenant-${key}.db`);
  if (fs.existsSync(file)) return { file, reused: true, buildSeconds: 0 };
  fs.mkdirSync(options.dataDir, { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  removeDatabaseFiles(partial);
  options.log(`Building a pre-tenant server-edition file of ${params.runs.toLocaleString('en-US')} runs (no progress from the fixture; ~10-30 s)…`);
  const started = performance.now();
  try {
    createLegacyDatabase(partial, { revision: 'pre_tenant', runs: params.runs, businesses: params.businesses, seed: params.seed, keepRuns: false });
    fs.renameSync(partial, file);
  } finally {
    removeDatabaseFiles(partial);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  options.log(`  built in ${buildSeconds.toFixed(1)} s`);
  return { file, reused: false, buildSeconds };
}

const SIDE_FILES = ['-wal', '-shm', '-journal'];

export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', ...SIDE_FILES]) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** A copy of a closed (or idle) database file, its WAL included when there is one. */
export function copyDatabaseFile(source: string, destination: string): void {
  removeDatabaseFiles(destination);
  const copies = [[source, destination]];
  if (fs.existsSync(`${source}-wal`)) copies.push([`${source}-wal`, `${destination}-wal`]);
  for (const [from, to] of copies as [string, string][]) {
    fs.copyFileSync(from, to);
    // On disk before anything is timed: otherwise the kernel writes the copy's 300 MB back while an item
    // measures, and its commits wait behind that (the runner's medians swung 12,000-21,000/s run to run).
    const fd = fs.openSync(to, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

// ---- Random numbers -------------------------------------------------------------------------------

class Random extends SeededRandom {
  private spare: number | null = null;

  /** Standard normal (Box–Muller, both halves used). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with this median and log-space spread. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

/** Picks an index with probability ∝ weight (binary search over the cumulative weights). */
class WeightedPicker {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(weights: readonly number[]) {
    let sum = 0;
    for (const weight of weights) this.cumulative.push((sum += weight));
    this.total = sum;
  }

  pick(random: Random): number {
    const target = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? Infinity) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ---- What runs look like --------------------------------------------------------------------------

interface JobTypeShape {
  key: string;
  weight: number;
  /** Median duration. */
  medianMs: number;
  params: string;
  result: string;
}

/** Registered types, and two the server edition had that this app does not run (adopted history). */
const BUSINESS_TYPES: readonly JobTypeShape[] = [
  { key: 'diagnostics.probe', weight: 30, medianMs: 2_000, params: '{"durationMs":2000,"steps":5,"fail":false}', result: '{"steps":5,"durationMs":2004}' },
  { key: 'runs.retention', weight: 20, medianMs: 4_000, params: '{"olderThanDays":90,"batchSize":5000}', result: '{"deleted":137,"cutoff":"2025-01-01T00:00:00.000Z"}' },
  { key: 'reports.monthly_usage', weight: 15, medianMs: 8_000, params: '{}', result: '{"file":"exports/usage-2025-01.csv","rows":31,"runs":4211}' },
  { key: 'legacy.sync_inventory', weight: 25, medianMs: 15_000, params: '{"source":"erp"}', result: '{"synced":1542}' },
  { key: 'legacy.send_invoices', weight: 10, medianMs: 6_000, params: '{}', result: '{"sent":48}' },
];

const SYSTEM_TYPES: readonly JobTypeShape[] = [
  { key: 'maintenance.backup', weight: 40, medianMs: 30_000, params: '{}', result: '{"path":"backups/automation-2025-01-01T02-00-00-000Z.db","bytes":412345678}' },
  { key: 'maintenance.integrity_check', weight: 20, medianMs: 60_000, params: '{}', result: '{"ok":true,"problems":[],"foreignKeyViolations":[]}' },
  { key: 'runs.retention', weight: 30, medianMs: 20_000, params: '{"olderThanDays":90,"batchSize":5000}', result: '{"deleted":18211,"cutoff":"2025-01-01T00:00:00.000Z"}' },
  { key: 'diagnostics.probe', weight: 10, medianMs: 2_000, params: '{"durationMs":2000,"steps":5,"fail":false}', result: '{"steps":5,"durationMs":2001}' },
];

const ERRORS = [
  'timeout: the job did not finish within 300 s',
  'connect ECONNREFUSED 10.0.4.12:443 (inventory API)',
  'upstream answered 429 Too Many Requests; retry later',
  'validation failed: customer 88412 has no billing address',
  'SQLITE_BUSY: database is locked',
  'disk full while writing exports/usage-2025-01.csv',
];

const DELETED_BUSINESSES = [
  '3f0c8a52-1d7e-4b8e-9f3a-6c2d1e0b7a91',
  '8b1e4d27-5a90-4c3f-8e6d-2f7a9c1b0e44',
  'c47a2e19-0b6d-4f85-a1c3-9e8d7f6b5a20',
];

const STATUS_INDEX: Record<RunStatus, number> = Object.fromEntries(RUN_STATUSES.map((s, i) => [s, i])) as Record<RunStatus, number>;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The owners' Zipf weights, in a seeded random order of business ids (so the largest is not always id 1). */
function businessWeights(params: DatasetParams, random: Random): number[] {
  const ranks = random.shuffle(Array.from({ length: params.businesses }, (_, i) => i + 1));
  return ranks.map((rank) => 1 / rank ** params.zipf);
}

// ---- Building ---------------------------------------------------------------------------------------

const RUN_COLUMNS = [
  'id',
  'legacy_id',
  'scope',
  'business_id',
  'orphaned_from',
  'job_type',
  'status',
  'trigger',
  'triggered_by_user_id',
  'triggered_by',
  'cancelled_by_user_id',
  'retry_of_run_id',
  'schedule_id',
  'params',
  'result',
  'error',
  'progress',
  'progress_message',
  'created_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'tags',
] as const;

type RunRow = Record<(typeof RUN_COLUMNS)[number], string | number | null>;

/** The rare tag of the dataset: 1 business run in 1,000 carries it (with the common one). */
export const RARE_TAG = { customer: 'acme-42' } as const;
/** The common tag: every business run has `env`, 70% `prod`. */
export const COMMON_TAG = { env: 'prod' } as const;

/**
 * A business run's tags, from its id alone (the generator's random stream stays as it was): `env` on every one (prod
 * on 7 in 10), `customer` on 1 in 1,000. System runs and orphans (adopted, as adoption leaves them) carry none.
 */
function tagsOfRun(id: number): string {
  const env = id % 10 < 7 ? 'prod' : 'staging';
  return JSON.stringify(id % 1000 === 7 ? { customer: RARE_TAG.customer, env } : { env });
}

async function buildDataset(
  file: string,
  key: string,
  params: DatasetParams,
  migrations: string[],
  options: BuildOptions,
): Promise<DatasetManifest> {
  if (!Number.isSafeInteger(params.runs) || params.runs < 1) throw new Error(`runs must be a positive whole number, got ${params.runs}`);
  if (!Number.isSafeInteger(params.businesses) || params.businesses < 1) throw new Error(`businesses must be a positive whole number, got ${params.businesses}`);
  const started = performance.now();
  options.log(
    `Building the ${options.name} dataset: ${params.runs.toLocaleString('en-US')} runs, ${params.businesses} businesses, ${params.days} days → ${path.basename(file).replace(/\.partial-\d+$/, '')}`,
  );

  // The schema exactly as the app makes it.
  (await openAppDatabase(file, { migrationsFolder: options.migrationsFolder })).db.close();
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  const sqlite = new Database(file);
  let manifest: DatasetManifest;
  try {
    // A file being built is thrown away on any failure, so it needs no journal and no syncing.
    sqlite.pragma('journal_mode = OFF');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('foreign_keys = OFF');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('cache_size = -262144');
    sqlite.pragma('temp_store = MEMORY');
    manifest = fill(sqlite, key, params, migrations, passwordHash);
    sqlite.pragma('journal_mode = DELETE');
  } finally {
    sqlite.close();
  }

  // Foreign keys checked, WAL on, statistics gathered: the state the app leaves a file in.
  const reopen = performance.now();
  process.stderr.write('Checking foreign keys and gathering statistics (openAppDatabase)…');
  const { db } = await openAppDatabase(file, { migrationsFolder: options.migrationsFolder });
  db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  process.stderr.write(` ${((performance.now() - reopen) / 1000).toFixed(1)} s\n`);
  manifest.buildSeconds = (performance.now() - started) / 1000;
  options.log(`  built in ${manifest.buildSeconds.toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`);
  return manifest;
}

function fill(sqlite: Database.Database, key: string, params: DatasetParams, migrations: string[], passwordHash: string): DatasetManifest {
  const random = new Random(params.seed);
  const endsAt = Math.floor(Date.now() / 60_000) * 60_000;
  const span = params.days * DAY_MS;
  const startsAt = endsAt - span;
  const weights = businessWeights(params, random);
  const picker = new WeightedPicker(weights);
  const largestIndex = weights.indexOf(Math.max(...weights));
  const largestId = largestIndex + 1;

  // ---- Businesses and the two users ----
  const businessNames = weights.map((_, i) => `Business ${pad(i + 1, 4)}`);
  const users = sqlite.transaction(() => {
    const insertBusiness = sqlite.prepare('INSERT INTO businesses (id, name, created_at) VALUES (?, ?, ?)');
    businessNames.forEach((name, i) => insertBusiness.run(i + 1, name, startsAt - 30 * DAY_MS + i * 60_000));
    const insertUser = sqlite.prepare('INSERT INTO users (email, display_name, role, business_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const user = (email: string, name: string, role: string, businessId: number | null): DatasetUser => ({
      id: Number(insertUser.run(email, name, role, businessId, passwordHash, startsAt - 30 * DAY_MS).lastInsertRowid),
      email,
      businessId,
    });
    return {
      admin: user('admin@bench.example', 'Bench Admin', 'system_admin', null),
      member: user(`member@business-${pad(largestId, 4)}.example`, 'Bench Member', 'member', largestId),
    };
  })();

  // ---- Runs, with the run indexes dropped and rebuilt after ----
  const indexes = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_runs' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`);

  const insertRun = sqlite.prepare(`INSERT INTO job_runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((c) => `@${c}`).join(', ')})`);
  const insertSchedule = sqlite.prepare(
    `INSERT INTO job_schedules (scope, business_id, name, job_type, params, cron, timezone, enabled, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'Europe/Berlin', 0, ?, ?)`,
  );
  const schedules = new Map<string, number>();
  const scheduleFor = (businessId: number | null, type: JobTypeShape): number => {
    const scheduleKey = `${businessId ?? 'system'}:${type.key}`;
    let id = schedules.get(scheduleKey);
    if (id === undefined) {
      const cron = `${schedules.size % 60} ${schedules.size % 24} * * *`;
      const at = startsAt - DAY_MS;
      id = Number(
        insertSchedule.run(businessId === null ? 'system' : 'business', businessId, `${type.key} daily`, type.key, type.params, cron, at, at).lastInsertRowid,
      );
      schedules.set(scheduleKey, id);
    }
    return id;
  };
  const businessTypes = new WeightedPicker(BUSINESS_TYPES.map((t) => t.weight));
  const systemTypes = new WeightedPicker(SYSTEM_TYPES.map((t) => t.weight));

  const runsPerBusiness = new Array<number>(params.businesses).fill(0);
  const byStatus = new Array<number>(RUN_STATUSES.length).fill(0);
  let orphans = 0;
  let systemRuns = 0;
  /** Per owner (business index, or -1 for system): the newest failed run not yet retried. */
  const lastFailed = new Map<number, number>();
  // The newest 0.2% of the span is the backlog: half of its runs are still pending (the newest) or running.
  const activeFrom = endsAt - span * 0.002;
  const pendingFrom = endsAt - span * 0.0008;
  const systemChance = params.systemShare / (1 - params.orphanShare);

  const bar = progressBar('runs', params.runs);
  const CHUNK = 100_000;
  const row: RunRow = Object.fromEntries(RUN_COLUMNS.map((c) => [c, null])) as RunRow;
  for (let chunkStart = 0; chunkStart < params.runs; chunkStart += CHUNK) {
    const chunkEnd = Math.min(params.runs, chunkStart + CHUNK);
    sqlite.transaction(() => {
      for (let i = chunkStart; i < chunkEnd; i++) {
        const id = i + 1;
        const createdAt = startsAt + Math.floor(((i + random.next()) * span) / params.runs);
        const orphan = Math.floor((i + 1) * params.orphanShare) > Math.floor(i * params.orphanShare);
        const system = !orphan && random.next() < systemChance;
        const businessIndex = orphan || system ? -1 : picker.pick(random);
        const businessId = businessIndex >= 0 ? businessIndex + 1 : null;
        const type = system ? SYSTEM_TYPES[systemTypes.pick(random)]! : BUSINESS_TYPES[businessTypes.pick(random)]!;

        // Status: the newest runs may still be queued or running; the rest finished.
        let status: RunStatus;
        if (!orphan && createdAt >= activeFrom && random.next() < 0.5) status = createdAt >= pendingFrom ? 'pending' : 'running';
        else {
          const roll = random.next();
          status = roll < 0.05 ? 'failed' : roll < 0.06 ? 'cancelled' : 'completed';
        }

        // Who started it.
        let trigger: string;
        let triggeredByUserId: number | null = null;
        let triggeredBy: string | null = null;
        let retryOf: number | null = null;
        let scheduleId: number | null = null;
        const ownerKey = system ? -1 : businessIndex;
        const byUser = (): void => {
          const who = system ? (random.next() < 0.5 ? users.admin : null) : businessId === largestId && random.next() < 0.5 ? users.member : null;
          triggeredByUserId = who?.id ?? null;
          triggeredBy = who?.email ?? (system ? 'ops@bench.example' : `ops@business-${pad(businessId ?? 0, 4)}.example`);
        };
        if (orphan) {
          trigger = 'legacy';
          triggeredBy = random.next() < 0.5 ? 'scheduler' : 'admin@old-server.example';
        } else {
          const roll = random.next();
          const failedBefore = lastFailed.get(ownerKey);
          if (roll < 0.03 && failedBefore !== undefined) {
            trigger = 'retry';
            retryOf = failedBefore;
            lastFailed.delete(ownerKey);
            byUser();
          } else if (roll < 0.3) {
            trigger = 'manual';
            byUser();
          } else {
            trigger = 'schedule';
            scheduleId = scheduleFor(businessId, type);
          }
        }

        // Times: a lognormal wait in the queue, a lognormal duration per type; finished runs end before the dataset does.
        let startedAt: number | null = null;
        let finishedAt: number | null = null;
        let durationMs: number | null = null;
        let progress: number | null = null;
        let progressMessage: string | null = null;
        let cancelledBy: number | null = null;
        if (status !== 'pending') {
          startedAt = createdAt + Math.round(random.lognormal(250, 1));
          if (startedAt > endsAt) {
            status = 'pending';
            startedAt = null;
          }
        }
        if (status === 'completed' || status === 'failed') {
          const duration = Math.max(1, Math.round(random.lognormal(type.medianMs, 0.9) * (status === 'failed' ? 0.6 : 1)));
          if ((startedAt ?? 0) + duration > endsAt) status = 'running';
          else {
            finishedAt = (startedAt ?? 0) + duration;
            durationMs = duration;
            progress = status === 'completed' ? 1 : null;
          }
        } else if (status === 'cancelled') {
          if (random.next() < 0.5) {
            // Cancelled while queued.
            finishedAt = startedAt ?? createdAt;
            startedAt = null;
          } else {
            durationMs = Math.max(1, Math.round(random.lognormal(type.medianMs, 0.9) * random.next()));
            finishedAt = (startedAt ?? createdAt) + durationMs;
            if (finishedAt > endsAt) {
              finishedAt = endsAt;
              durationMs = endsAt - (startedAt ?? createdAt);
            }
          }
          if (system) cancelledBy = users.admin.id;
          else if (businessId === largestId) cancelledBy = users.member.id;
        }
        if (status === 'running') {
          progress = Math.round(random.next() * 100) / 100;
          progressMessage = `Step ${Math.floor(progress * 5)} of 5`;
        }
        if (status === 'failed') lastFailed.set(ownerKey, id);

        row.id = id;
        row.legacy_id = orphan ? `00000000-0000-4000-8000-${pad(id, 12)}` : null;
        row.scope = system ? 'system' : 'business';
        row.business_id = businessId;
        row.orphaned_from = orphan ? (DELETED_BUSINESSES[id % DELETED_BUSINESSES.length] ?? null) : null;
        row.job_type = type.key;
        row.status = status;
        row.trigger = trigger;
        row.triggered_by_user_id = triggeredByUserId;
        row.triggered_by = triggeredBy;
        row.cancelled_by_user_id = cancelledBy;
        row.retry_of_run_id = retryOf;
        row.schedule_id = scheduleId;
        row.params = type.params;
        row.result = status === 'completed' ? type.result : null;
        row.error = status === 'failed' ? (ERRORS[random.int(ERRORS.length)] ?? null) : null;
        row.progress = progress;
        row.progress_message = progressMessage;
        row.created_at = createdAt;
        row.started_at = startedAt;
        row.finished_at = finishedAt;
        row.duration_ms = durationMs;
        row.tags = businessId === null ? null : tagsOfRun(id);
        insertRun.run(row);

        byStatus[STATUS_INDEX[status]]! += 1;
        if (orphan) orphans++;
        else if (system) systemRuns++;
        else runsPerBusiness[businessIndex]! += 1;
      }
    })();
    bar.update(chunkEnd);
  }
  bar.finish();

  const indexBar = progressBar('indexes', indexes.length);
  indexes.forEach((index, i) => {
    sqlite.exec(index.sql);
    indexBar.update(i + 1);
  });
  indexBar.finish();

  const businesses = runsPerBusiness
    .map((runs, i) => ({ id: i + 1, name: businessNames[i] ?? '', runs, rank: 0 }))
    .sort((x, y) => y.runs - x.runs || x.id - y.id)
    .map((b, i) => ({ ...b, rank: i + 1 }));
  return {
    key,
    generatorVersion: GENERATOR_VERSION,
    params,
    migrations,
    endsAt,
    buildSeconds: 0,
    counts: {
      runs: params.runs,
      businessRuns: params.runs - orphans - systemRuns,
      orphans,
      systemRuns,
      byStatus: Object.fromEntries(RUN_STATUSES.map((s, i) => [s, byStatus[i] ?? 0])) as Record<RunStatus, number>,
      schedules: schedules.size,
      users: 2,
    },
    businesses,
    users,
    password: BENCH_PASSWORD,
  };
}
