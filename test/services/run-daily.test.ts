// How the stats split a time range into pieces read from the rollups and from job_runs: whatever the range and
// the present, the signed pieces add up to exactly the range, so nothing is counted twice or left out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, DAYS_PER_WEEK } from '../../src-main/db/rollup-keys';
import { histogramPieces, rangePieces, type HistogramPiece } from '../../src-main/stats/range-pieces';

/** The interval of instants a piece stands for. */
function spanOf(piece: HistogramPiece): [number, number] {
  switch (piece.kind) {
    case 'raw':
      return [piece.from, piece.to];
    case 'days':
      return [piece.fromDay * DAY_MS, piece.toDay * DAY_MS];
    case 'weeks':
      return [piece.fromWeek * DAYS_PER_WEEK * DAY_MS, piece.toWeek * DAYS_PER_WEEK * DAY_MS];
  }
}

/** How many times the signed pieces count the instant t. */
function coverage(pieces: readonly HistogramPiece[], t: number): number {
  return pieces.reduce((total, piece) => {
    const [a, b] = spanOf(piece);
    return total + (a <= t && t < b ? piece.sign : 0);
  }, 0);
}

const BASE = Date.UTC(2024, 0, 1);
const instant = fc.integer({ min: 0, max: 120 * DAY_MS }).map((offset) => BASE + offset);
// Ranges: any instants, and ones on UTC midnights and week starts (the rollups' own edges).
const edge = fc.oneof(instant, fc.integer({ min: 0, max: 120 }).map((day) => BASE + day * DAY_MS), fc.integer({ min: 0, max: 17 }).map((week) => Math.ceil(BASE / DAY_MS / 7) * 7 * DAY_MS + week * 7 * DAY_MS));

describe('the pieces a stats range is read in', () => {
  it('add up to exactly [from, to): every instant inside counted once, every instant outside not at all, wherever the present is', () => {
    fc.assert(
      fc.property(edge, edge, instant, fc.array(instant, { minLength: 20, maxLength: 40 }), (a, b, now, probes) => {
        fc.pre(a !== b);
        const [from, to] = a < b ? [a, b] : [b, a];
        for (const pieces of [rangePieces(from, to, now), histogramPieces(from, to, now)]) {
          // The pieces' own edges are where a mistake would show: probe them and around them too.
          const edges = pieces.flatMap((piece) => spanOf(piece)).flatMap((t) => [t - 1, t, t + 1]);
          for (const t of [...probes, ...edges, from - 1, from, to - 1, to]) expect(coverage(pieces, t), `t=${t}`).toBe(from <= t && t < to ? 1 : 0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('read whole weeks from the weekly histograms when a range holds them, and at most a few edge days', () => {
    const from = BASE + 5 * 3_600_000;
    const to = from + 30 * DAY_MS;
    const pieces = histogramPieces(from, to, to);
    const weeks = pieces.filter((piece) => piece.kind === 'weeks');
    expect(weeks.length).toBeGreaterThan(0);
    const days = pieces.flatMap((piece) => (piece.kind === 'days' ? [piece.toDay - piece.fromDay] : []));
    expect(days.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(2 * 4);
  });
});
