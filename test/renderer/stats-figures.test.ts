// The pure parts of the statistics' screen: the log duration axis (its ticks never touch, whatever the durations
// and the width) and how a business's trend against the previous period reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_STEPS, durationScale, durationTicks, TICK_CHAR_PX, TICK_GAP_PX } from '../../src-renderer/automation/duration-scale';
import { previousPeriodName, runsTrend } from '../../src-renderer/automation/stats-trend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the duration axis', () => {
  it('holds every duration between its ends, in order, and keeps only tick labels that fit the width without touching', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 * DAY }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1600 }), (durations, width) => {
        const scale = durationScale(durations);
        expect(scale.lo).toBeLessThan(scale.hi);
        expect(DURATION_STEPS.map((step) => step.ms)).toEqual(expect.arrayContaining([scale.lo, scale.hi]));
        for (const d of durations) {
          // Below 1 ms or beyond 100 days a duration stands at the end.
          if (d >= 1) expect(scale.lo).toBeLessThanOrEqual(d);
          if (d <= 100 * DAY) expect(scale.hi).toBeGreaterThanOrEqual(d);
          expect(scale.at(d)).toBeGreaterThanOrEqual(0);
          expect(scale.at(d)).toBeLessThanOrEqual(1);
        }
        const sorted = [...durations].sort((x, y) => x - y);
        for (let i = 1; i < sorted.length; i++) expect(scale.at(sorted[i]!)).toBeGreaterThanOrEqual(scale.at(sorted[i - 1]!));

        const ticks = durationTicks(scale, width);
        const spans = ticks.map((tick) => {
          const w = tick.label.length * TICK_CHAR_PX;
          const from = tick.align === 'start' ? 0 : tick.align === 'end' ? width - w : tick.at * width - w / 2;
          return [from, from + w] as const;
        });
        for (const [from, to] of spans) {
          expect(from).toBeGreaterThanOrEqual(0);
          expect(to).toBeLessThanOrEqual(width);
        }
        for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1] + TICK_GAP_PX);
      }),
    );
  });

  it('from milliseconds to hours reads in named steps: every unit fits at the widths of a 1440 px and a 900 px window', () => {
    const scale = durationScale([4, 250, 45_000, 2 * HOUR]);
    expect([scale.lo, scale.hi]).toEqual([1, 10 * HOUR]);
    // The plot's width beside the labels: half of a 1440 px window, and all of a 900 px one.
    for (const width of [480, 700]) {
      const labels = durationTicks(scale, width).map((tick) => tick.label);
      expect(labels).toEqual(expect.arrayContaining(['1 ms', '1 s', '1 min', '1 h', '10 h']));
    }
    expect(durationTicks(scale, 700).map((tick) => tick.label)).toEqual(['1 ms', '10 ms', '100 ms', '1 s', '10 s', '1 min', '10 min', '1 h', '10 h']);
    // A narrow plot keeps the ends and units first.
    expect(durationTicks(scale, 200).map((tick) => tick.label)).toEqual(['1 ms', '1 s', '1 min', '10 h']);
  });

  it('durations that all fall in one step still get an axis of two steps', () => {
    expect(durationScale([0, 0])).toMatchObject({ lo: 1, hi: 10 });
    expect(durationScale([1_000])).toMatchObject({ lo: 1_000, hi: 10_000 });
    expect(durationScale([500 * DAY])).toMatchObject({ lo: 10 * DAY, hi: 100 * DAY });
  });
});

describe('the trend against the previous period', () => {
  it('reads as an arrow and a percentage, "new" where there were no runs before, and a dash without a previous period', () => {
    expect(runsTrend(125, { total: 100 })).toEqual({ change: 0.25, label: '▲ 25%', direction: 'up' });
    expect(runsTrend(95, { total: 100 })).toEqual({ change: -0.05, label: '▼ 5.0%', direction: 'down' });
    expect(runsTrend(0, { total: 7 })).toEqual({ change: -1, label: '▼ 100%', direction: 'down' });
    expect(runsTrend(3, { total: 3 })).toEqual({ change: 0, label: '±0%', direction: 'same' });
    expect(runsTrend(4, { total: 0 })).toEqual({ change: Infinity, label: 'new', direction: 'up' });
    expect(runsTrend(4, null)).toEqual({ change: null, label: '—', direction: null });
  });

  it('names the previous period by the range’s length', () => {
    expect(previousPeriodName(0, DAY)).toBe('the 24 hours before');
    expect(previousPeriodName(0, 7 * DAY)).toBe('the 7 days before');
    expect(previousPeriodName(0, 7 * DAY - HOUR)).toBe('the 7 days before');
  });
});
