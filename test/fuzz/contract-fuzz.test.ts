// The contract fuzz's short round, part of `npm test` (test/fuzz/fuzz.ts; `npm run test:fuzz -- --requests N` runs a
// long one): every channel, as every kind of caller, fed inputs from its own schema over the real dispatcher on a
// real file: no INTERNAL answer, no write by a refused call, no row of another tenant in any answer.
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src-shared/channels';
import { figuresReport, runFuzz } from './fuzz';

/** Small enough for every run of the suite (a few seconds); FUZZ_REQUESTS asks for more. */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1200);

describe('the contract fuzz', () => {
  it(`answers ${REQUESTS} generated requests with no 500, no write by a refused call and no other tenant's row`, async () => {
    const figures = await runFuzz({ requests: REQUESTS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
    console.log(figuresReport(figures));
    expect(figures.requests).toBe(REQUESTS);
    // Every channel was called, by every kind of caller, with every kind of input, through both shells.
    expect(figures.channelsCalled).toBe(CHANNELS.length);
    for (const count of [...Object.values(figures.byCaller), ...Object.values(figures.byKind), ...Object.values(figures.byTransport)]) expect(count).toBeGreaterThan(0);
    // Some calls got through: the fuzz reaches the handlers, not only the schemas.
    expect(figures.byCode.OK ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect(figures.failures, `seed ${figures.seed}`).toEqual([]);
  }, 120_000);
});
