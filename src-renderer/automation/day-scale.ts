// The runs-per-day chart's axes: a count axis from 0 to a round top in a few round steps, and the days whose date
// shows under its bar without touching the next one shown (the last day first). Pure.

export interface CountScale {
  /** The axis's top: the smallest multiple of `step` at or above the busiest day (one step at least). */
  top: number;
  step: number;
  /** 0, step, 2 × step … top. */
  ticks: number[];
}

/** At most this many steps from 0 to the top. */
export const MAX_COUNT_STEPS = 5;

/** The smallest step of 1, 2 or 5 × 10^k that reaches the busiest day, `max` runs, in at most MAX_COUNT_STEPS steps. */
export function countScale(max: number): CountScale {
  const least = Math.max(1, max / MAX_COUNT_STEPS);
  let unit = 1;
  while (unit * 10 <= least) unit *= 10;
  const step = [1, 2, 5, 10].map((times) => times * unit).find((candidate) => candidate >= least) ?? 10 * unit;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { top, step, ticks: Array.from({ length: top / step + 1 }, (_, i) => i * step) };
}

/** About how wide a date label (`12-07`) is at the axis's font size (12 px), and the space kept between two labels. */
export const DAY_LABEL_PX = 36;
export const DAY_LABEL_GAP_PX = 12;

export interface DayLabel {
  /** The day's index in the series. */
  index: number;
  /** How the label stands under its bar: centred, or held inside the axis at either end. */
  align: 'start' | 'center' | 'end';
}

/** Where a label stands across `width` pixels: its left edge and how it is aligned. */
export function dayLabelSpan(index: number, days: number, width: number): { from: number; align: DayLabel['align'] } {
  const from = ((index + 0.5) * width) / days - DAY_LABEL_PX / 2;
  if (from + DAY_LABEL_PX > width) return { from: width - DAY_LABEL_PX, align: 'end' };
  if (from < 0) return { from: 0, align: 'start' };
  return { from, align: 'center' };
}

/**
 * The days labelled under `days` bars across `width` pixels, in order: from the last day back, every k-th day (k the
 * fewest days whose columns hold a label and its gap), each kept only where it clears the label after it. None while
 * the width is not known.
 */
export function dayLabels(days: number, width: number): DayLabel[] {
  if (days === 0 || width < DAY_LABEL_PX) return [];
  const every = Math.max(1, Math.ceil(((DAY_LABEL_PX + DAY_LABEL_GAP_PX) * days) / width));
  const labels: DayLabel[] = [];
  let limit = width;
  for (let index = days - 1; index >= 0; ) {
    const { from, align } = dayLabelSpan(index, days, width);
    if (from + DAY_LABEL_PX > limit) {
      index -= 1;
      continue;
    }
    labels.unshift({ index, align });
    limit = from - DAY_LABEL_GAP_PX;
    index -= every;
  }
  return labels;
}
