// The machine's pace: one fixed piece of work, timed when the bench starts and when it ends, so a report says how fast
// the machine ran while it measured. On a shared VM the same code runs up to twice as fast in one sitting as in another
// (docs/performance.md); two reports whose paces differ that much compare the machines' moments, not the code.
// The work touches no code of the app (a change to the app never moves it): an in-memory SQLite table of runs-like
// rows written in batches of transactions with an index, read back by point lookups and a grouping, and the rows'
// JSON parsed in JavaScript, the same kinds of work as the bench's items.
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';

const ROWS = 60_000;
const BATCH = 100;
const LOOKUPS = 30_000;
/** Tries per reading: the reading is their median, so one descheduled try does not make it. */
const TRIES = 5;

function once(): number {
  const started = performance.now();
  const db = new Database(':memory:');
  try {
    db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, details TEXT)');
    db.exec('CREATE INDEX runs_owner_created ON runs (owner, created_at)');
    const insert = db.prepare('INSERT INTO runs (owner, status, created_at, details) VALUES (?, ?, ?, ?)');
    const batch = db.transaction((from: number) => {
      for (let i = from; i < from + BATCH; i++) insert.run(i % 97, i % 13 === 0 ? 'failed' : 'completed', 1_700_000_000_000 + i * 1000, JSON.stringify({ step: i, note: `run ${i}` }));
    });
    for (let from = 0; from < ROWS; from += BATCH) batch(from);
    const byId = db.prepare('SELECT details FROM runs WHERE id = ?').pluck();
    let steps = 0;
    for (let i = 0; i < LOOKUPS; i++) steps += (JSON.parse(byId.get(((i * 7919) % ROWS) + 1) as string) as { step: number }).step;
    const page = db.prepare('SELECT id, status FROM runs WHERE owner = ? ORDER BY created_at DESC LIMIT 50');
    for (let owner = 0; owner < 97; owner++) steps += page.all(owner).length;
    steps += (db.prepare("SELECT count(*) FROM (SELECT owner, status, count(*) FROM runs GROUP BY owner, status)").pluck().get() as number);
    if (steps <= 0) throw new Error('the pace work computed nothing');
  } finally {
    db.close();
  }
  return performance.now() - started;
}

/** The fixed work's time in milliseconds (the median of a few tries): lower is a faster machine. */
export function machinePace(): number {
  const times = Array.from({ length: TRIES }, once).sort((a, b) => a - b);
  return times[Math.floor(TRIES / 2)]!;
}
