import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachPackedBucket } from '../../src-main/stats/packed-histogram';

function decoded(bytes: Uint8Array): Record<number, number> {
  const entries: Record<number, number> = {};
  forEachPackedBucket(bytes, (bucket, runs) => (entries[bucket] = runs));
  return entries;
}

describe('packed histograms read from their JSONB bytes', () => {
  const sqlite = new Database(':memory:');
  const jsonb = (json: string) => sqlite.prepare('SELECT jsonb(?) AS b').pluck().get(json) as Buffer;

  it('give every bucket and its runs as SQLite wrote them, small objects and large (headers of 1, 2 and 4 size bytes), negative runs too', () => {
    const histogram = fc.dictionary(
      fc.integer({ min: 0, max: 504 }).map(String),
      fc.oneof(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -1_000_000, max: Number.MAX_SAFE_INTEGER })),
      { maxKeys: 505 },
    );
    fc.assert(
      fc.property(histogram, (buckets) => {
        expect(decoded(jsonb(JSON.stringify(buckets)))).toEqual(Object.fromEntries(Object.entries(buckets).map(([b, runs]) => [Number(b), runs])));
      }),
      { numRuns: 300 },
    );
    // What the rollups' triggers write: an object patched entry by entry (json_patch / jsonb_set keep it JSONB).
    const patched = sqlite.prepare(`SELECT jsonb_set(jsonb('{"3":1}'), '$.17', 40, '$.3', 2) AS b`).pluck().get() as Buffer;
    expect(decoded(patched)).toEqual({ 3: 2, 17: 40 });
  });

  it('refuse what is not a histogram: an array, a key that is not a bucket, a value that is not a number, bytes cut short', () => {
    expect(() => decoded(jsonb('[1, 2]'))).toThrow('not a JSONB object');
    expect(() => decoded(jsonb('{"x": 1}'))).toThrow('not a bucket and its runs');
    expect(() => decoded(jsonb('{"4": "many"}'))).toThrow('not a bucket and its runs');
    expect(() => decoded(jsonb('{"4": 12345}').subarray(0, 4))).toThrow('cut short');
  });
});
