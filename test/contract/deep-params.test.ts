// Params nested thousands of levels deep, or larger than 64 KiB, are refused as VALIDATION naming `params`, over both
// transports and before any session is asked for: never a 500 from a stack that overflowed while measuring them.
import { afterEach, describe, expect, it } from 'vitest';
import { jsonSizeProblem } from '../../src-shared/json-size';
import { type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { tempDbPath } from '../helpers/temp';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

/** {"a":{"a":…}} nested `levels` deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('measuring JSON without recursion', () => {
  it('counts exactly what JSON.stringify writes, and says too deep or too large', () => {
    for (const value of [{}, { a: 1, b: 'x"y', c: [1, null, { d: true }], e: { f: [] } }, { s: 'é\n' }, [1, 2, 3]]) {
      const length = JSON.stringify(value).length;
      expect(jsonSizeProblem(value, length, 32)).toBeNull();
      expect(jsonSizeProblem(value, length - 1, 32)).toBe('too_large');
    }
    expect(jsonSizeProblem(nested(32), 1_000, 32)).toBe('too_deep');
    expect(jsonSizeProblem(nested(31), 1_000, 32)).toBeNull();
    expect(jsonSizeProblem(nested(100_000), 10_000_000, 32)).toBe('too_deep');
  });
});

describe.each(TRANSPORTS)('deeply nested params over %s', (transport) => {
  it('are refused as VALIDATION of params, signed out or in, for runs and schedules', async () => {
    const harness = await startHarness(transport, tempDbPath());
    harnesses.push(harness);
    const client = harness.client();
    for (const levels of [40, 3_000]) {
      for (const [channel, input] of [
        ['jobs.create', { jobType: 'diagnostics.probe', params: nested(levels) }],
        ['schedules.create', { name: 'Deep', jobType: 'diagnostics.probe', cron: '0 3 * * *', timeZone: 'UTC', params: nested(levels) }],
      ] as const) {
        const refused = await client.call(channel, input);
        expect(refused, `${channel} at ${levels} levels`).toMatchObject({
          ok: false,
          error: { code: 'VALIDATION', fields: [{ path: 'params', message: 'Params may nest at most 32 levels deep.' }] },
        });
      }
    }
    const large = await client.call('jobs.create', { jobType: 'diagnostics.probe', params: { text: 'x'.repeat(70_000) } });
    expect(large).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: [{ path: 'params' }] } });
  });
});
