// Every input of the contract is bounded: texts have a longest length, lists a largest size, params a JSON size. Every
// time a caller names is an instant the app can format: from 1 January 1970 to 30 December 9999 (UTC), so that its
// day in any time zone has a four-digit year. Later or earlier is VALIDATION naming the field, never a 500 from a day
// string (+010000-01-01) that breaks the output contract or an Invalid time value.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNELS } from '../../src-shared/channels';
import { contract } from '../../src-shared/contract';
import { epochMsSchema, MAX_INSTANT_MS } from '../../src-shared/schemas/common';
import { type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { refusedField } from '../helpers/refusals';
import { tempDbPath } from '../helpers/temp';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

const DAY = 86_400_000;
const YEAR_10000 = Date.UTC(10000, 0, 1);
const LAST_DAY_START = Date.UTC(9999, 11, 30);

type Node = Record<string, unknown>;

/** Every schema node of a JSON Schema that describes a value (fields, list items, record values), with its path. */
function nodesOf(schema: unknown, at = ''): { path: string; node: Node }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Node;
  return [
    { path: at, node },
    ...Object.entries(node).flatMap(([key, child]) =>
      key === 'properties' && typeof child === 'object' && child !== null
        ? Object.entries(child).flatMap(([name, property]) => nodesOf(property, at ? `${at}.${name}` : name))
        : Array.isArray(child)
          ? child.flatMap((option) => nodesOf(option, at))
          : key === 'items' || key === 'additionalProperties'
            ? nodesOf(child, `${at}[]`)
            : [],
    ),
  ];
}

const inputNodes = CHANNELS.flatMap((channel) =>
  nodesOf(z.toJSONSchema(contract[channel].input, { io: 'input', unrepresentable: 'any' })).map((found) => ({ ...found, channel })),
);

describe('every input is bounded', () => {
  it('no channel takes an instant past what the app can format', () => {
    const recordedMax = epochMsSchema.maxValue;
    expect(recordedMax).toBe(8_640_000_000_000_000);
    for (const { channel, path, node } of inputNodes) {
      if (node.type === 'integer') expect(node.maximum, `${channel}: ${path}`).not.toBe(recordedMax);
    }
  });

  it('every text has a longest length (or an anchored pattern), every list a largest size, every open object a JSON size', () => {
    for (const { channel, path, node } of inputNodes) {
      const where = `${channel}: ${path || 'the input'}`;
      if (node.type === 'string' && node.enum === undefined && node.const === undefined) {
        const anchored = typeof node.pattern === 'string' && /^\^.*\$$/.test(node.pattern) && !/[*+]|\{\d+,\}/.test(node.pattern);
        expect(typeof node.maxLength === 'number' || anchored, where).toBe(true);
      }
      if (node.type === 'array') expect(node.maxItems, where).toEqual(expect.any(Number));
      // A record is params, measured by jobParamsSchema (at most 64 KiB of JSON, 32 levels deep: deep-params.test.ts), or
      // tags, at most MAX_TAGS of them (runTagsSchema), each value bounded above.
      if (node.type === 'object' && node.additionalProperties !== false) expect(['params', 'tags'], where).toContain(path.split('.').pop());
    }
  });
});

describe.each(TRANSPORTS)('instants at the ends of time over %s', (transport) => {
  it('are refused past 30 December 9999 and before 1970, naming the field; the last day is counted in every zone', async () => {
    const harness = await startHarness(transport, tempDbPath());
    harnesses.push(harness);
    const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
    const client = harness.client();
    await client.value('auth.login', { email: admin.email, password: TEST_PASSWORD });

    for (const to of [YEAR_10000, MAX_INSTANT_MS + 1, 8_640_000_000_000_000]) {
      const refused = await client.call('jobs.stats', { from: to - DAY, to, timeZone: 'Pacific/Kiritimati' });
      expect(refused.ok ? refused.value : refused.error, `stats to ${to}`).toEqual(refusedField('to', 'To must be on or before 30 December 9999.'));
    }
    expect((await client.call('jobs.list', { filters: { createdFrom: -1 } })).ok ? 'ok' : 'refused').toBe('refused');
    const listed = await client.call('jobs.list', { filters: { createdTo: YEAR_10000 } });
    expect(listed.ok ? listed.value : listed.error).toEqual(refusedField('filters.createdTo', 'Created before must be on or before 30 December 9999.'));
    const audit = await client.call('audit.list', { filters: { from: YEAR_10000 } });
    expect(audit.ok ? audit.value : audit.error).toEqual(refusedField('filters.from', 'From must be on or before 30 December 9999.'));
    const usage = await client.call('metrics.usage', { fromMonth: '0099-01', toMonth: '0099-02' });
    expect(usage.ok ? usage.value : usage.error).toEqual(refusedField('fromMonth', 'From month must be a month from 1970-01 to 9999-12, such as 2026-03.'));

    // The last instant a caller may name, in the zones furthest ahead and behind: four-digit days, one per day.
    for (const timeZone of ['Pacific/Kiritimati', 'Etc/GMT+12', 'UTC']) {
      const stats = await client.value('jobs.stats', { from: LAST_DAY_START - 3 * DAY, to: MAX_INSTANT_MS, timeZone });
      expect(stats.perDay.length, timeZone).toBeGreaterThanOrEqual(3);
      for (const { day } of stats.perDay) expect(day, timeZone).toMatch(/^9999-12-\d{2}$/);
      const first = await client.value('jobs.stats', { from: 0, to: 2 * DAY, timeZone });
      expect(first.perDay[0]!.day, timeZone).toMatch(/^19(69-12-31|70-01-01)$/);
      expect(first.byBusiness?.every((row) => row.previous === null)).toBe(true);
    }
    expect((await client.value('jobs.list', { filters: { createdFrom: 0, createdTo: MAX_INSTANT_MS } })).runs).toEqual([]);
    expect((await client.value('audit.list', { filters: { from: 0, to: MAX_INSTANT_MS } })).events.length).toBeGreaterThan(0);
    expect((await client.value('metrics.usage', { fromMonth: '9999-10', toMonth: '9999-12' })).rows).toEqual([]);
  });
});
