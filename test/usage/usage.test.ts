import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import type { TenantScope } from '../../src-shared/tenancy';
import { isRunInScope } from '../../src-main/tenancy/owner-sql';
import { getUsage, MAX_USAGE_MONTHS, usageCsv, writeUsageCsv } from '../../src-main/usage/usage';
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { usageReportSchema, type UsageRowView } from '../../src-shared/schemas/usage';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';
import { tempDir } from '../helpers/temp';

const at = (iso: string) => Date.parse(iso);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// ---- The oracle: the report computed in plain JS from every run ------------------------------------

interface StoredRun {
  scope: 'business' | 'system';
  businessId: number | null;
  businessName: string | null;
  jobType: string;
  status: RunStatus;
  createdAt: number;
  durationMs: number | null;
}

function readRuns(db: AppDatabase): StoredRun[] {
  return db.sqlite
    .prepare(
      `SELECT r.scope, r.business_id AS businessId, b.name AS businessName, r.job_type AS jobType, r.status,
              r.created_at AS createdAt, r.duration_ms AS durationMs
       FROM job_runs r LEFT JOIN businesses b ON b.id = r.business_id`,
    )
    .all() as StoredRun[];
}

function figuresOf(runs: StoredRun[]) {
  const durations = runs
    .filter((run) => (run.status === 'completed' || run.status === 'failed') && run.durationMs !== null)
    .map((run) => run.durationMs!)
    .sort((x, y) => x - y);
  return {
    runs: runs.length,
    failures: runs.filter((run) => run.status === 'failed').length,
    totalDurationMs: runs
      .filter((run) => ['completed', 'failed', 'cancelled'].includes(run.status) && run.durationMs !== null)
      .reduce((sum, run) => sum + run.durationMs!, 0),
    // Nearest rank: the value at rank ceil(0.95·n).
    p95DurationMs: durations.length === 0 ? null : durations[Math.ceil((95 * durations.length) / 100) - 1]!,
  };
}

/** Month, then businesses by name (then id), then system, then orphans; job types in code-unit order. */
function expectedUsage(runs: StoredRun[], scope: TenantScope, fromMs: number, toMs: number): UsageRowView[] {
  const inScope = runs.filter((run) => isRunInScope(run, scope) && run.createdAt >= fromMs && run.createdAt < toMs);
  const groups = new Map<string, StoredRun[]>();
  for (const run of inScope) {
    const key = `${new Date(run.createdAt).toISOString().slice(0, 7)}|${run.scope}|${run.businessId ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const rank = (row: UsageRowView) =>
    row.owner.kind === 'business' ? [0, row.owner.businessName, row.owner.businessId] : [row.owner.kind === 'system' ? 1 : 2, '', 0];
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  return [...groups]
    .map(([key, group]): UsageRowView => {
      const first = group[0]!;
      const owner: UsageRowView['owner'] =
        first.scope === 'system'
          ? { kind: 'system' }
          : first.businessId === null
            ? { kind: 'orphans' }
            : { kind: 'business', businessId: first.businessId, businessName: first.businessName! };
      const types = [...new Set(group.map((run) => run.jobType))].sort(cmp);
      return {
        month: key.slice(0, 7),
        owner,
        ...figuresOf(group),
        byJobType: types.map((jobType) => ({ jobType, ...figuresOf(group.filter((run) => run.jobType === jobType)) })),
      };
    })
    .sort((x, y) => {
      const [a, b] = [rank(x), rank(y)];
      return cmp(x.month, y.month) || cmp(a[0]!, b[0]!) || cmp(a[1]!, b[1]!) || cmp(a[2]!, b[2]!);
    });
}

// ---- A small RFC 4180 reader, to hold the CSV to what it says ----------------------------------------

function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"' && field === '') {
      // A quoted field: up to the closing quote, "" being one quote.
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text.slice(i, i + 2) !== '\r\n') throw new Error(`text after a quoted field at ${i}`);
      continue;
    }
    if (char === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.slice(i, i + 2) === '\r\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (char === '\r' || char === '\n' || char === '"') throw new Error(`bare ${JSON.stringify(char)} in an unquoted field at ${i}`);
      field += char;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record does not end in CRLF');
  return records;
}

const HEADER = 'month,owner_kind,business_id,business_name,job_type,runs,failures,total_duration_ms,p95_duration_ms';

/** Undoes the spreadsheet guard: a text cell the app wrote with a leading ' started with one of = + - @ tab CR. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** The CSV read back into report rows: the totals line `*` opens an owner-month, type lines follow. */
function rowsFromCsv(text: string): UsageRowView[] {
  const [header, ...records] = parseCsv(text);
  expect(header!.join(',')).toBe(HEADER);
  const rows: UsageRowView[] = [];
  for (const record of records) {
    expect(record).toHaveLength(9);
    const [month, kind, businessId, businessName, jobType, runs, failures, total, p95] = record as [string, ...string[]];
    const figures = {
      runs: Number(runs),
      failures: Number(failures),
      totalDurationMs: Number(total),
      p95DurationMs: p95 === '' ? null : Number(p95),
    };
    if (jobType === '*') {
      const owner: UsageRowView['owner'] =
        kind === 'business'
          ? { kind: 'business', businessId: Number(businessId), businessName: unguard(businessName!) }
          : kind === 'system'
            ? { kind: 'system' }
            : { kind: 'orphans' };
      if (kind !== 'business') expect([businessId, businessName]).toEqual(['', '']);
      rows.push({ month: month!, owner, ...figures, byJobType: [] });
    } else {
      rows[rows.length - 1]!.byJobType.push({ jobType: unguard(jobType!), ...figures });
    }
  }
  return rows;
}

// ---- The figures ----------------------------------------------------------------------------------

const JOB_TYPES = ['diagnostics.probe', 'maintenance.backup', 'reports.monthly_usage', 'Zeta'];
// 2025-11 to 2026-03, with runs bunched at the month boundaries.
const BOUNDARIES = ['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((day) => at(`${day}T00:00:00Z`));

describe('getUsage', () => {
  it('equals a plain computation over random runs, in every scope', async () => {
    const db = await createTestDatabase();
    // Names chosen so name order differs from id order, with a case difference in code-unit order.
    const businesses = [seedBusiness(db, { name: 'beta' }), seedBusiness(db, { name: 'Alpha' }), seedBusiness(db, { name: 'Gamma' })];
    const owners: SeedOwner[] = [...businesses.map((b): SeedOwner => ({ kind: 'business', businessId: b.id })), { kind: 'system' }, { kind: 'orphan' }];
    const scopes: TenantScope[] = [
      { kind: 'all' },
      { kind: 'system' },
      { kind: 'orphans' },
      ...businesses.map((b): TenantScope => ({ kind: 'business', businessId: b.id })),
    ];
    const createdAt = fc.oneof(
      fc.integer({ min: BOUNDARIES[0]! - 5 * 86_400_000, max: BOUNDARIES[5]! + 5 * 86_400_000 }),
      fc.tuple(fc.constantFrom(...BOUNDARIES), fc.integer({ min: -2, max: 1 })).map(([b, d]) => b + d),
    );
    const run = fc.record({
      owner: fc.constantFrom(...owners),
      createdAt,
      jobType: fc.constantFrom(...JOB_TYPES),
      status: fc.constantFrom(...RUN_STATUSES),
      durationMs: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
    }) satisfies fc.Arbitrary<SeedRun>;
    const ranges = [
      ['2025-11', '2026-03'],
      ['2026-01', '2026-01'],
      ['2025-12', '2026-02'],
    ] as const;

    await fc.assert(
      fc.property(fc.array(run, { maxLength: 60, size: 'max' }), fc.constantFrom(...ranges), (runs, [fromMonth, toMonth]) => {
        db.sqlite.exec('DELETE FROM job_runs');
        insertRuns(db, runs);
        const stored = readRuns(db);
        const fromMs = at(`${fromMonth}-01T00:00:00Z`);
        const [ty, tm] = toMonth.split('-').map(Number) as [number, number];
        const toMs = Date.UTC(ty, tm, 1);
        for (const scope of scopes) {
          const report = getUsage(db, scope, { fromMonth, toMonth });
          usageReportSchema.parse(report);
          expect(report.rows).toEqual(expectedUsage(stored, scope, fromMs, toMs));
          // The owner-month totals are the sums of their job types.
          for (const row of report.rows) {
            expect(row.runs).toBe(row.byJobType.reduce((sum, t) => sum + t.runs, 0));
            expect(row.totalDurationMs).toBe(row.byJobType.reduce((sum, t) => sum + t.totalDurationMs, 0));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('takes the p95 at rank ceil(0.95·n) for every group size, per owner-month and per job type', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const run = fc.record({
      owner: fc.constant<SeedOwner>({ kind: 'business', businessId: acme.id }),
      createdAt: fc.integer({ min: at('2026-06-01T00:00:00Z'), max: at('2026-06-30T23:59:59Z') }),
      jobType: fc.constantFrom('a', 'b'),
      status: fc.constantFrom<RunStatus>('completed', 'failed', 'completed', 'cancelled'),
      durationMs: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null, freq: 10 }),
    }) satisfies fc.Arbitrary<SeedRun>;
    await fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 90, size: 'max' }), (runs) => {
        db.sqlite.exec('DELETE FROM job_runs');
        insertRuns(db, runs);
        const input = { fromMonth: '2026-06', toMonth: '2026-06' };
        expect(getUsage(db, scope, input).rows).toEqual(expectedUsage(readRuns(db), scope, at('2026-06-01'), at('2026-07-01')));
      }),
      { numRuns: 150 },
    );
  });

  it('counts a run in the UTC month of its created_at, boundaries to the millisecond', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const owner: SeedOwner = { kind: 'business', businessId: acme.id };
    insertRuns(db, [
      { owner, createdAt: at('2026-01-31T23:59:59.999Z'), durationMs: 1 },
      { owner, createdAt: at('2026-02-01T00:00:00.000Z'), durationMs: 2 },
      { owner, createdAt: at('2026-02-28T23:59:59.999Z'), durationMs: 3 },
      { owner, createdAt: at('2026-03-01T00:00:00.000Z'), durationMs: 4 },
      // 2026-03-01 01:00 in Berlin is still February in UTC.
      { owner, createdAt: at('2026-03-01T00:30:00+01:00'), durationMs: 5 },
    ]);
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const feb = getUsage(db, scope, { fromMonth: '2026-02', toMonth: '2026-02' }).rows;
    expect(feb.map((row) => [row.month, row.runs, row.totalDurationMs, row.p95DurationMs])).toEqual([['2026-02', 3, 10, 5]]);
    const all = getUsage(db, scope, { fromMonth: '2026-01', toMonth: '2026-03' }).rows;
    expect(all.map((row) => [row.month, row.runs])).toEqual([
      ['2026-01', 1],
      ['2026-02', 3],
      ['2026-03', 1],
    ]);
    // A December-to-January range crosses the year.
    insertRuns(db, [{ owner, createdAt: at('2025-12-31T23:59:59.999Z') }]);
    expect(getUsage(db, scope, { fromMonth: '2025-12', toMonth: '2026-01' }).rows.map((row) => row.month)).toEqual(['2025-12', '2026-01']);
  });

  it('keeps a business scope to that business: never another business, system-wide runs or orphans', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const globex = seedBusiness(db, { name: 'Globex' });
    const createdAt = at('2026-05-10T00:00:00Z');
    insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt },
      { owner: { kind: 'business', businessId: globex.id }, createdAt, status: 'failed', durationMs: 7 },
      { owner: { kind: 'system' }, createdAt, jobType: 'maintenance.backup' },
      { owner: { kind: 'orphan' }, createdAt },
    ]);
    const input = { fromMonth: '2026-05', toMonth: '2026-05' };
    expect(getUsage(db, { kind: 'business', businessId: acme.id }, input).rows.map((row) => row.owner)).toEqual([
      { kind: 'business', businessId: acme.id, businessName: 'Acme' },
    ]);
    expect(getUsage(db, { kind: 'all' }, input).rows.map((row) => row.owner.kind)).toEqual(['business', 'business', 'system', 'orphans']);
    expect(getUsage(db, { kind: 'system' }, input).rows.map((row) => row.owner)).toEqual([{ kind: 'system' }]);
    expect(getUsage(db, { kind: 'orphans' }, input).rows.map((row) => row.owner)).toEqual([{ kind: 'orphans' }]);
    // A business with no runs in range has no rows; a scope without a real id fails closed.
    const empty = seedBusiness(db);
    expect(getUsage(db, { kind: 'business', businessId: empty.id }, input).rows).toEqual([]);
    expect(() => getUsage(db, { kind: 'business', businessId: 0 }, input)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('accepts at most 36 months, in order, and well-formed months', async () => {
    const db = await createTestDatabase();
    expect(getUsage(db, { kind: 'all' }, { fromMonth: '2024-01', toMonth: '2026-12' }).rows).toEqual([]);
    expect(MAX_USAGE_MONTHS).toBe(36);
    for (const input of [
      { fromMonth: '2024-01', toMonth: '2027-01' },
      { fromMonth: '2026-02', toMonth: '2026-01' },
      { fromMonth: '2026-13', toMonth: '2026-12' },
      { fromMonth: '2026-1', toMonth: '2026-12' },
      { fromMonth: "2026-01' OR 1=1 --", toMonth: '2026-12' },
    ]) {
      expect(() => getUsage(db, { kind: 'all' }, input)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});

// ---- CSV ------------------------------------------------------------------------------------------

const row = (owner: UsageRowView['owner'], byJobType: UsageRowView['byJobType'], month = '2026-01'): UsageRowView => ({
  month,
  owner,
  runs: byJobType.reduce((sum, t) => sum + t.runs, 0),
  failures: byJobType.reduce((sum, t) => sum + t.failures, 0),
  totalDurationMs: byJobType.reduce((sum, t) => sum + t.totalDurationMs, 0),
  p95DurationMs: byJobType[0]?.p95DurationMs ?? null,
  byJobType,
});
const figures = (jobType: string, runs = 1, p95: number | null = 5) => ({ jobType, runs, failures: 0, totalDurationMs: 5 * runs, p95DurationMs: p95 });

describe('usageCsv', () => {
  it('writes a header, one total line per owner-month and one per job type, with CRLF line ends', () => {
    const csv = usageCsv([
      row({ kind: 'business', businessId: 3, businessName: 'Acme' }, [figures('a', 2), figures('b', 1, null)]),
      row({ kind: 'system' }, [figures('maintenance.backup')]),
      row({ kind: 'orphans' }, []),
    ]);
    expect(csv).toBe(
      [
        HEADER,
        '2026-01,business,3,Acme,*,3,0,15,5',
        '2026-01,business,3,Acme,a,2,0,10,5',
        '2026-01,business,3,Acme,b,1,0,5,',
        '2026-01,system,,,*,1,0,5,5',
        '2026-01,system,,,maintenance.backup,1,0,5,5',
        '2026-01,orphans,,,*,0,0,0,',
        '',
      ].join('\r\n'),
    );
    expect(usageCsv([])).toBe(`${HEADER}\r\n`);
  });

  it('quotes commas, quotes and newlines, and defuses formulas', () => {
    const names = ['Acme, Inc.', 'The "Best" Co', 'Two\nLines', 'CR\rLF\r\n', '=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tTab', 'Plain'];
    const rows = names.map((name, i) => row({ kind: 'business', businessId: i + 1, businessName: name }, [figures(name)]));
    const csv = usageCsv(rows);
    const records = parseCsv(csv);
    const cells = records.slice(1).filter((record) => record[4] === '*').map((record) => record[3]);
    expect(cells).toEqual([
      'Acme, Inc.',
      'The "Best" Co',
      'Two\nLines',
      'CR\rLF\r\n',
      `'=HYPERLINK("http://x","y")`,
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tTab",
      'Plain',
    ]);
    expect(csv).toContain('"Acme, Inc."');
    expect(csv).toContain('"The ""Best"" Co"');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    // No field a spreadsheet would evaluate: every cell starts with something other than = + - @.
    for (const record of records) for (const cell of record) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(rowsFromCsv(csv)).toEqual(rows);
  });

  it('reads back to the same rows for any names and job types', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ',', '"', '\n', '\r', '=', '+', '-', '@', "'", ' ', 'é', '\t'), maxLength: 12 });
    const figure = fc.record({
      jobType: text.filter((s) => s !== '*' && s.length > 0 && !/^'[=+\-@\t\r]/.test(s)),
      runs: fc.nat(1000),
      failures: fc.nat(1000),
      totalDurationMs: fc.nat(),
      p95DurationMs: fc.option(fc.nat(), { nil: null }),
    });
    const owner = fc.oneof(
      fc.record({
        kind: fc.constant('business' as const),
        businessId: fc.integer({ min: 1, max: 1000 }),
        businessName: text.filter((s) => !/^'[=+\-@\t\r]/.test(s)),
      }),
      fc.constant({ kind: 'system' as const }),
      fc.constant({ kind: 'orphans' as const }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            month: fc.constantFrom('2026-01', '1999-12'),
            owner,
            runs: fc.nat(),
            failures: fc.nat(),
            totalDurationMs: fc.nat(),
            p95DurationMs: fc.option(fc.nat(), { nil: null }),
            byJobType: fc.array(figure, { maxLength: 4 }),
          }),
          { maxLength: 6 },
        ),
        (rows) => {
          expect(rowsFromCsv(usageCsv(rows))).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---- writeUsageCsv --------------------------------------------------------------------------------

describe('writeUsageCsv', () => {
  async function exportWorld() {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: '=Acme, "Intl"' });
    const globex = seedBusiness(db, { name: 'Globex' });
    const owner: SeedOwner = { kind: 'business', businessId: acme.id };
    insertRuns(db, [
      { owner, createdAt: at('2026-01-05T00:00:00Z'), status: 'completed', durationMs: 100 },
      { owner, createdAt: at('2026-01-06T00:00:00Z'), status: 'failed', durationMs: 300 },
      { owner, createdAt: at('2026-02-06T00:00:00Z'), status: 'cancelled', durationMs: 50, jobType: 'reports.monthly_usage' },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: at('2026-01-07T00:00:00Z') },
      { owner: { kind: 'system' }, createdAt: at('2026-01-07T00:00:00Z'), jobType: 'maintenance.backup', durationMs: 9 },
    ]);
    return { db, acme, globex };
  }

  it('writes the report to a new file in the folder, and the file reads back to the same figures', async () => {
    const { db, acme } = await exportWorld();
    const folder = path.join(tempDir(), 'nested', 'exports');
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const input = { fromMonth: '2026-01', toMonth: '2026-02' };
    const result = writeUsageCsv(db, scope, input, folder, `business-${acme.id}`);

    expect(path.dirname(result.path)).toBe(folder);
    expect(path.basename(result.path)).toMatch(new RegExp(`^usage-business-${acme.id}-2026-01-to-2026-02-\\d{8}T\\d{9}Z\\.csv$`));
    expect(fs.readdirSync(folder)).toEqual([path.basename(result.path)]);
    const content = fs.readFileSync(result.path, 'utf8');
    expect(result.bytes).toBe(fs.statSync(result.path).size);
    expect(result.rows).toBe(parseCsv(content).length - 1);

    const report = getUsage(db, scope, input).rows;
    expect(content).toBe(usageCsv(report));
    expect(rowsFromCsv(content)).toEqual(report);
    expect(report.map((r) => [r.month, r.runs, r.failures, r.totalDurationMs, r.p95DurationMs])).toEqual([
      ['2026-01', 2, 1, 400, 300],
      ['2026-02', 1, 0, 50, null],
    ]);
    // Only this business, though the file sits beside others' exports.
    expect(content).not.toContain('Globex');
    expect(content).not.toContain('system');
  });

  it('writes through a temporary file renamed into place, and never overwrites an export', async () => {
    const { db } = await exportWorld();
    const folder = tempDir();
    const renames: { from: string; to: string; tempContent: string; targetExisted: boolean }[] = [];
    const realRename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      renames.push({
        from: String(from),
        to: String(to),
        tempContent: fs.readFileSync(from, 'utf8'),
        targetExisted: fs.existsSync(to),
      });
      realRename(from, to);
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('2026-03-04T05:06:07.089Z'));
    const input = { fromMonth: '2026-01', toMonth: '2026-01' };
    const first = writeUsageCsv(db, { kind: 'all' }, input, folder, 'all');
    const second = writeUsageCsv(db, { kind: 'all' }, input, folder, 'all');

    expect(path.basename(first.path)).toBe('usage-all-2026-01-to-2026-01-20260304T050607089Z.csv');
    expect(second.path).not.toBe(first.path);
    expect(renames).toHaveLength(2);
    for (const [i, rename] of renames.entries()) {
      expect(rename.to).toBe([first, second][i]!.path);
      expect(path.dirname(rename.from)).toBe(folder);
      expect(rename.from).toMatch(/\.tmp$/);
      expect(rename.targetExisted).toBe(false);
      // The whole content was in the temporary file before it got its name.
      expect(rename.tempContent).toBe(fs.readFileSync(rename.to, 'utf8'));
    }
    expect(fs.readdirSync(folder).sort()).toEqual([path.basename(first.path), path.basename(second.path)].sort());
  });

  it('leaves nothing behind when it cannot finish, and refuses a bad range before writing', async () => {
    const { db } = await exportWorld();
    const folder = tempDir();
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('disk trouble'), { code: 'EIO' });
    });
    expect(() => writeUsageCsv(db, { kind: 'all' }, { fromMonth: '2026-01', toMonth: '2026-01' }, folder, 'all')).toThrow('disk trouble');
    expect(fs.readdirSync(folder)).toEqual([]);
    vi.restoreAllMocks();

    const untouched = path.join(tempDir(), 'never-made');
    expect(() => writeUsageCsv(db, { kind: 'all' }, { fromMonth: '2020-01', toMonth: '2026-01' }, untouched, 'all')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(fs.existsSync(untouched)).toBe(false);
  });

  it('keeps the label inside the folder and the file name safe', async () => {
    const { db } = await exportWorld();
    const folder = path.join(tempDir(), 'exports');
    const result = writeUsageCsv(db, { kind: 'all' }, { fromMonth: '2026-01', toMonth: '2026-01' }, folder, '../../etc/Acme Ltd: "x"');
    expect(path.dirname(result.path)).toBe(folder);
    expect(path.basename(result.path)).toMatch(/^usage-etc-Acme-Ltd-x-2026-01-to-2026-01-\d{8}T\d{9}Z\.csv$/);
  });
});
