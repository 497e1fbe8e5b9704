// A logarithmic duration axis that reads from milliseconds to days: where a duration sits on it, and ticks at
// durations people name ("10 ms", "1 s", "1 min", "1 h"), as many as fit the width without touching. Pure.

interface DurationStep {
  ms: number;
  label: string;
  /** a unit's first step (1 ms, 1 s, 1 min, 1 h, 1 d): kept before the steps between when space is short */
  major: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The axis's steps, shortest first; a scale starts and ends on one of them. */
export const DURATION_STEPS: readonly DurationStep[] = [
  { ms: 1, label: '1 ms', major: true },
  { ms: 10, label: '10 ms', major: false },
  { ms: 100, label: '100 ms', major: false },
  { ms: 1_000, label: '1 s', major: true },
  { ms: 10_000, label: '10 s', major: false },
  { ms: MINUTE, label: '1 min', major: true },
  { ms: 10 * MINUTE, label: '10 min', major: false },
  { ms: HOUR, label: '1 h', major: true },
  { ms: 10 * HOUR, label: '10 h', major: false },
  { ms: DAY, label: '1 d', major: true },
  { ms: 10 * DAY, label: '10 d', major: false },
  { ms: 100 * DAY, label: '100 d', major: false },
];

export interface DurationScale {
  /** The first and last step on the axis. */
  lo: number;
  hi: number;
  /** Where a duration sits, 0 (lo) to 1 (hi), on a log scale; durations outside are held to the ends (0 ms to lo). */
  at(ms: number): number;
}

/** The scale from the step at or below the shortest duration to the step at or above the longest (two steps at least). */
export function durationScale(durations: readonly number[]): DurationScale {
  const last = DURATION_STEPS.length - 1;
  const shortest = durations.length === 0 ? 1 : Math.min(...durations);
  const longest = durations.length === 0 ? 1 : Math.max(...durations);
  let loIndex = Math.max(0, DURATION_STEPS.findLastIndex((step) => step.ms <= shortest));
  let hiIndex = DURATION_STEPS.findIndex((step) => step.ms >= longest);
  if (hiIndex === -1) hiIndex = last;
  if (hiIndex <= loIndex) [loIndex, hiIndex] = loIndex === last ? [last - 1, last] : [loIndex, loIndex + 1];
  const lo = (DURATION_STEPS[loIndex] as DurationStep).ms;
  const hi = (DURATION_STEPS[hiIndex] as DurationStep).ms;
  const span = Math.log(hi / lo);
  return { lo, hi, at: (ms) => Math.min(1, Math.max(0, Math.log(Math.max(ms, lo) / lo) / span)) };
}

export interface DurationTick {
  ms: number;
  label: string;
  /** 0 to 1 along the axis */
  at: number;
  /** How the label stands at its tick: the first starts there, the last ends there, the others are centred. */
  align: 'start' | 'center' | 'end';
}

/** About how wide a tick label is at the axis's font size (12 px), per character, and the space kept between labels. */
export const TICK_CHAR_PX = 7;
export const TICK_GAP_PX = 12;

/**
 * The ticks that fit `width` pixels without touching: the scale's ends first, then the units (1 ms, 1 s, 1 min,
 * 1 h, 1 d), then the steps between, each kept only where its label clears the ones already kept.
 */
export function durationTicks(scale: DurationScale, width: number): DurationTick[] {
  const steps = DURATION_STEPS.filter((step) => step.ms >= scale.lo && step.ms <= scale.hi);
  const isEnd = (step: DurationStep) => step.ms === scale.lo || step.ms === scale.hi;
  const order = [...steps.filter(isEnd), ...steps.filter((step) => step.major && !isEnd(step)), ...steps.filter((step) => !step.major && !isEnd(step))];
  const kept: { tick: DurationTick; from: number; to: number }[] = [];
  for (const step of order) {
    const at = scale.at(step.ms);
    const align = step.ms === scale.lo ? 'start' : step.ms === scale.hi ? 'end' : 'center';
    const labelWidth = step.label.length * TICK_CHAR_PX;
    const from = align === 'start' ? 0 : align === 'end' ? width - labelWidth : at * width - labelWidth / 2;
    const to = from + labelWidth;
    if (from < 0 || to > width) continue;
    if (kept.some((other) => from < other.to + TICK_GAP_PX && other.from < to + TICK_GAP_PX)) continue;
    kept.push({ tick: { ms: step.ms, label: step.label, at, align }, from, to });
  }
  return kept.map(({ tick }) => tick).sort((x, y) => x.ms - y.ms);
}
