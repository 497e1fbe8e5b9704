// A time range of the stats as signed pieces: whole UTC weeks and days, read from the rollups, and raw runs of
// job_runs for the partial days at its edges, each chosen so as little as possible is read raw. Arithmetic only.
import { DAY_MS, DAYS_PER_WEEK } from '../db/rollup-keys';

/** A signed piece of a time range: whole UTC days [fromDay, toDay) from the rollups, or raw runs created in [from, to). */
export type RangePiece = { kind: 'days'; fromDay: number; toDay: number; sign: 1 | -1 } | { kind: 'raw'; from: number; to: number; sign: 1 | -1 };

/** A signed piece of a histogram's range: a RangePiece, or whole UTC weeks [fromWeek, toWeek) from the weekly histograms. */
export type HistogramPiece = RangePiece | { kind: 'weeks'; fromWeek: number; toWeek: number; sign: 1 | -1 };

/** The length of [a, b) that can hold runs: none of it after `now` (runs are created at the present). */
export function liveLength(a: number, b: number, now: number): number {
  return Math.max(0, Math.min(b, now + 60_000) - a);
}

/**
 * [from, to) as signed pieces with as little raw reading as possible: whole UTC days from the rollups; at each
 * edge that is not a UTC midnight, either the raw part inside the range, or the rollup's whole day minus the raw
 * part outside it, whichever raw interval holds less (intervals after `now` count as empty). A range inside one
 * UTC day is raw only.
 */
export function rangePieces(from: number, to: number, now: number): RangePiece[] {
  const firstDay = Math.floor(from / DAY_MS);
  const lastDay = Math.floor((to - 1) / DAY_MS);
  if (from % DAY_MS !== 0 && firstDay === lastDay && to % DAY_MS !== 0) {
    // Inside one day: raw only (as the brief asks; the complement may be shorter but would read the rollup day).
    return [{ kind: 'raw', from, to, sign: 1 }];
  }
  const pieces: RangePiece[] = [];
  let wholeFrom = firstDay;
  let wholeTo = lastDay + 1;
  if (from % DAY_MS !== 0) {
    const dayStart = firstDay * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    if (liveLength(from, dayEnd, now) <= liveLength(dayStart, from, now)) {
      pieces.push({ kind: 'raw', from, to: dayEnd, sign: 1 });
      wholeFrom = firstDay + 1;
    } else {
      pieces.push({ kind: 'raw', from: dayStart, to: from, sign: -1 });
    }
  }
  if (to % DAY_MS !== 0) {
    const dayStart = lastDay * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    if (liveLength(dayStart, to, now) < liveLength(to, dayEnd, now)) {
      pieces.push({ kind: 'raw', from: dayStart, to, sign: 1 });
      wholeTo = lastDay;
    } else {
      pieces.push({ kind: 'raw', from: to, to: dayEnd, sign: -1 });
    }
  }
  if (wholeFrom < wholeTo) pieces.push({ kind: 'days', fromDay: wholeFrom, toDay: wholeTo, sign: 1 });
  return pieces;
}

/** How many of the days [a, b) can hold runs: none after `today` (runs are created at the present). */
function liveDays(a: number, b: number, today: number): number {
  return Math.max(0, Math.min(b, today + 1) - a);
}

/**
 * Whole days [fromDay, toDay) as signed pieces for the histograms: whole weeks from the weekly rollup, and at each
 * edge that is not a week's first day, either the days inside the range or the week minus the days outside it,
 * whichever reads fewer (a week costs about as much as a day: one packed row per owner and type either way, so
 * it counts as one more day; days after `today` are empty and cost nothing).
 */
function weekPieces(fromDay: number, toDay: number, today: number): HistogramPiece[] {
  const pieces: HistogramPiece[] = [];
  let fromWeek = Math.ceil(fromDay / DAYS_PER_WEEK);
  let toWeek = Math.floor(toDay / DAYS_PER_WEEK);
  if (fromWeek > toWeek) {
    // Inside one week: its days, or the week minus the days outside the range.
    const week = toWeek;
    const [start, end] = [week * DAYS_PER_WEEK, (week + 1) * DAYS_PER_WEEK];
    if (liveDays(fromDay, toDay, today) <= 1 + liveDays(start, fromDay, today) + liveDays(toDay, end, today)) {
      return [{ kind: 'days', fromDay, toDay, sign: 1 }];
    }
    pieces.push({ kind: 'weeks', fromWeek: week, toWeek: week + 1, sign: 1 });
    if (start < fromDay) pieces.push({ kind: 'days', fromDay: start, toDay: fromDay, sign: -1 });
    if (toDay < end) pieces.push({ kind: 'days', fromDay: toDay, toDay: end, sign: -1 });
    return pieces;
  }
  if (fromDay % DAYS_PER_WEEK !== 0) {
    const start = (fromWeek - 1) * DAYS_PER_WEEK;
    if (liveDays(fromDay, fromWeek * DAYS_PER_WEEK, today) <= 1 + liveDays(start, fromDay, today)) {
      pieces.push({ kind: 'days', fromDay, toDay: fromWeek * DAYS_PER_WEEK, sign: 1 });
    } else {
      fromWeek -= 1;
      pieces.push({ kind: 'days', fromDay: start, toDay: fromDay, sign: -1 });
    }
  }
  if (toDay % DAYS_PER_WEEK !== 0) {
    const end = (toWeek + 1) * DAYS_PER_WEEK;
    if (liveDays(toWeek * DAYS_PER_WEEK, toDay, today) <= 1 + liveDays(toDay, end, today)) {
      pieces.push({ kind: 'days', fromDay: toWeek * DAYS_PER_WEEK, toDay, sign: 1 });
    } else {
      toWeek += 1;
      // Read even when it lies after today: empty then, and a run created ahead of the clock still counts right.
      pieces.push({ kind: 'days', fromDay: toDay, toDay: end, sign: -1 });
    }
  }
  if (fromWeek < toWeek) pieces.push({ kind: 'weeks', fromWeek, toWeek, sign: 1 });
  return pieces;
}

/** rangePieces with each run of whole days split further by weekPieces (signs multiply). */
export function histogramPieces(from: number, to: number, now: number): HistogramPiece[] {
  const today = Math.floor(now / DAY_MS);
  return rangePieces(from, to, now).flatMap((piece): HistogramPiece[] =>
    piece.kind === 'days' ? weekPieces(piece.fromDay, piece.toDay, today).map((inner) => ({ ...inner, sign: (inner.sign * piece.sign) as 1 | -1 })) : [piece],
  );
}
