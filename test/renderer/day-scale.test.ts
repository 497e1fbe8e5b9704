// The runs-per-day chart's axes: the count axis reaches the busiest day in a few round steps, and the dates shown
// beneath never touch, stay inside the axis, keep a steady rhythm and always include the last day.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countScale, DAY_LABEL_GAP_PX, DAY_LABEL_PX, dayLabels, dayLabelSpan, MAX_COUNT_STEPS } from '../../src-renderer/automation/day-scale';

describe('the count axis', () => {
  it('reaches the busiest day in at most a few steps of 1, 2 or 5 × 10^k, with no step to spare', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), (max) => {
        const { top, step, ticks } = countScale(max);
        expect(top).toBeGreaterThanOrEqual(max);
        expect(top).toBeGreaterThanOrEqual(step);
        if (max > 0) expect(top - step).toBeLessThan(max);
        expect(ticks.length - 1).toBeLessThanOrEqual(MAX_COUNT_STEPS);
        expect(ticks).toEqual(Array.from({ length: top / step + 1 }, (_, i) => i * step));
        const unit = 10 ** Math.floor(Math.log10(step) + 1e-9);
        expect([1, 2, 5]).toContain(step / unit);
        // The next smaller round step would need more than MAX_COUNT_STEPS steps.
        const smaller = step / unit === 1 ? unit / 2 : step / unit === 2 ? unit : 2 * unit;
        if (step > 1) expect(Math.ceil(max / smaller)).toBeGreaterThan(MAX_COUNT_STEPS);
      }),
    );
  });

  it('reads in the steps people expect', () => {
    expect(countScale(0)).toEqual({ top: 1, step: 1, ticks: [0, 1] });
    expect(countScale(29)).toMatchObject({ top: 30, step: 10 });
    expect(countScale(4)).toMatchObject({ top: 4, step: 1 });
    expect(countScale(12_345)).toMatchObject({ top: 15_000, step: 5_000 });
    expect(countScale(100_000)).toMatchObject({ top: 100_000, step: 20_000 });
  });
});

describe('the dates beneath the bars', () => {
  it('never touch, stay inside the axis, keep their rhythm, and always show the last day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 2000 }), (days, width) => {
        const labels = dayLabels(days, width);
        if (width < DAY_LABEL_PX) {
          expect(labels).toEqual([]);
          return;
        }
        expect(labels.at(-1)?.index).toBe(days - 1);
        const every = Math.ceil(((DAY_LABEL_PX + DAY_LABEL_GAP_PX) * days) / width);
        for (const [i, label] of labels.entries()) {
          const { from, align } = dayLabelSpan(label.index, days, width);
          expect(label.align).toBe(align);
          expect(from).toBeGreaterThanOrEqual(0);
          expect(from + DAY_LABEL_PX).toBeLessThanOrEqual(width);
          // A centred label stands under its own bar.
          if (align === 'center') expect(Math.abs(from + DAY_LABEL_PX / 2 - ((label.index + 0.5) * width) / days)).toBeLessThan(1e-6);
          if (i === 0) continue;
          const before = labels[i - 1]!;
          expect(before.index).toBeLessThan(label.index);
          expect(dayLabelSpan(before.index, days, width).from + DAY_LABEL_PX + DAY_LABEL_GAP_PX).toBeLessThanOrEqual(from + 1e-9);
          // Steady: every `every` days, but beside the last day's label, which may be held inside the axis.
          if (i < labels.length - 1) expect(label.index - before.index).toBe(every);
          else expect(label.index - before.index).toBeLessThanOrEqual(every + Math.ceil((DAY_LABEL_PX * days) / (2 * width)) + 1);
        }
        // No more than a rhythm and a label's width of days before the first label.
        expect(labels[0]!.index).toBeLessThanOrEqual(every + Math.ceil((DAY_LABEL_PX * days) / width));
      }),
    );
  });

  it('a week across a half window shows every date; ninety days across it, one a week or so', () => {
    expect(dayLabels(7, 600).map((label) => label.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const quarter = dayLabels(90, 600).map((label) => label.index);
    expect(quarter.at(-1)).toBe(89);
    expect(quarter.length).toBeGreaterThanOrEqual(10);
    expect(quarter.length).toBeLessThanOrEqual(13);
  });
});
