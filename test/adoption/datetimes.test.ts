// Adoption converts legacy datetimes with a fast formula, and with the exact one in a file where the scan finds a
// value the fast one may get wrong: either way every value comes out as the exact conversion says.
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactMsNeededSql, fastLegacyMsSql, legacyMsSql } from '../../src-main/adoption/mapping';
import { openAppDatabase } from '../../src-main/startup';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT } from './support';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** SQLAlchemy's form: `YYYY-MM-DD HH:MM:SS`, with or without a fraction of one to nine digits. */
const plainDatetime: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 1969, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    // Runs of 9s and 5s reach the rounding edges (.9995 and more, exact halves).
    fraction: fc.option(fc.stringMatching(/^(?:[0-9]{1,9}|[0-9]{0,3}(?:9{1,6}|50{0,5}))$/), { nil: undefined }),
  })
  .map(({ year, month, day, hour, minute, second, fraction }) => {
    const text = `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
    return fraction === undefined || fraction === '' ? text : `${text}.${fraction}`;
  });

/** Every other form SQLite reads (a `T`, a time zone, no seconds, a Julian day number), and some it cannot read. */
const otherDatetime: fc.Arbitrary<string | number> = fc.oneof(
  fc.tuple(plainDatetime, fc.constantFrom('Z', ' Z', '+05:30', '-05:00', ' -09:00', '+00:00', '  ', ' -04:')).map(([text, zone]) => text + zone),
  plainDatetime.map((text) => text.replace(' ', 'T')),
  plainDatetime.map((text) => text.slice(0, 16)),
  plainDatetime.map((text) => text.slice(0, 10)),
  fc.double({ min: 2_440_000, max: 2_470_000, noNaN: true }),
  fc.double({ min: 2_440_000, max: 2_470_000, noNaN: true }).map(String),
  fc.string({ maxLength: 30 }),
);

const anyDatetime = fc.oneof(plainDatetime, otherDatetime);

describe('converting legacy datetimes', () => {
  it('gives the exact value with the fast formula wherever the scan does not ask for the exact one', () => {
    const sqlite = new Database(':memory:');
    const convert = sqlite.prepare(
      `SELECT ${exactMsNeededSql('@x')} AS needed, ${fastLegacyMsSql('@x')} AS fast, ${legacyMsSql('@x')} AS exact`,
    );
    let needed = 0;
    fc.assert(
      fc.property(anyDatetime, (x) => {
        const row = convert.get({ x }) as { needed: number | null; fast: number | null; exact: number | null };
        if (row.needed === 1) needed++;
        else expect(row.fast).toBe(row.exact);
      }),
      { numRuns: 3000 },
    );
    // The other forms do reach the exact formula.
    expect(needed).toBeGreaterThan(100);
    // SQLAlchemy's form never needs it.
    fc.assert(
      fc.property(plainDatetime, (x) => {
        expect((convert.get({ x }) as { needed: number }).needed).toBe(0);
      }),
      { numRuns: 1000 },
    );
    sqlite.close();
  });

  it.each([
    ['SQLAlchemy’s form only', plainDatetime as fc.Arbitrary<string | number>],
    ['every form, some the fast formula gets wrong', anyDatetime],
  ])('adopts the runs with the exact value of each datetime: %s', async (_label, datetime) => {
    const fixture = createLegacyDatabase(path.join(tempDir(), 'automation.db'), { revision: 'tenant', runs: 0, businesses: 0 });
    const readable = datetime.filter((x) => typeof x === 'number' || new Database(':memory:').prepare('SELECT unixepoch(?)').pluck().get(x) !== null);
    const runs = fc.sample(fc.tuple(fc.option(readable), fc.option(readable), fc.option(readable)), { numRuns: 400, seed: 11 });
    const legacy = new Database(fixture.path);
    const insert = legacy.prepare(
      "INSERT INTO job_runs (id, job_type, status, created_at, started_at, completed_at) VALUES (?, 'x', 'done', ?, ?, ?)",
    );
    runs.forEach(([created, started, completed], i) => insert.run(`run-${pad(i, 4)}`, created, started, completed));
    const expected = legacy
      .prepare(
        `SELECT id, coalesce(${legacyMsSql('created_at')}, ${legacyMsSql('started_at')}, ${legacyMsSql('completed_at')}, ?) AS created,
                ${legacyMsSql('started_at')} AS started, ${legacyMsSql('completed_at')} AS finished,
                ${legacyMsSql('completed_at')} - ${legacyMsSql('started_at')} AS duration
         FROM job_runs ORDER BY id`,
      )
      .all(ADOPTED_AT.getTime());
    const fastWrong = legacy
      .prepare(`SELECT count(*) FROM job_runs, (SELECT 'created_at' AS c UNION ALL SELECT 'started_at' UNION ALL SELECT 'completed_at') AS columns
        WHERE iif(c = 'created_at', ${fastLegacyMsSql('created_at')}, iif(c = 'started_at', ${fastLegacyMsSql('started_at')}, ${fastLegacyMsSql('completed_at')}))
          IS NOT iif(c = 'created_at', ${legacyMsSql('created_at')}, iif(c = 'started_at', ${legacyMsSql('started_at')}, ${legacyMsSql('completed_at')}))`)
      .pluck()
      .get() as number;
    legacy.close();
    // The second file has values only the exact formula converts right, so it is adopted by the second copy.
    if (datetime === anyDatetime) expect(fastWrong).toBeGreaterThan(0);
    else expect(fastWrong).toBe(0);

    const { db } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    try {
      const adopted = db.sqlite
        .prepare('SELECT legacy_id AS id, created_at AS created, started_at AS started, finished_at AS finished, duration_ms AS duration FROM job_runs ORDER BY legacy_id')
        .all();
      expect(adopted).toEqual(expected);
      // New ids still follow creation time.
      const order = db.sqlite.prepare('SELECT created_at FROM job_runs ORDER BY id').pluck().all() as number[];
      expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      db.close();
    }
  });
});
