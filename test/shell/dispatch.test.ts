// The one contract binding: every bad call comes back as a clear envelope, and nothing internal leaks.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAppCore } from '../../src-main/app-core';
import { createDispatcher, INTERNAL_ERROR_MESSAGE } from '../../src-main/ipc/dispatch';
import { sessionHandle } from '../../src-main/sessions';
import { contract } from '../../src-shared/contract';
import { AppError, type Envelope } from '../../src-shared/errors';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';

const testContract = {
  'test.echo': {
    input: z.strictObject({
      name: z.string().max(100),
      count: z.number().int(),
      filters: z.strictObject({ statuses: z.array(z.enum(['pending', 'running'])) }).optional(),
    }),
    output: z.strictObject({ greeting: z.string() }),
  },
  'test.refuse': { input: z.strictObject({}), output: z.strictObject({}) },
  'test.crash': { input: z.strictObject({}), output: z.strictObject({}) },
  'test.drift': { input: z.strictObject({}), output: z.strictObject({ greeting: z.string() }) },
};

function setup(options: { checkOutput?: boolean } = {}) {
  const calls: string[] = [];
  const logError = vi.fn();
  const dispatcher = createDispatcher(
    testContract,
    {
      'test.echo': (input) => {
        calls.push('test.echo');
        return { greeting: `hello ${input.name} x${input.count}` };
      },
      'test.refuse': () => {
        calls.push('test.refuse');
        throw new AppError('CONFLICT', 'That run has already finished.', { runId: 7 });
      },
      'test.crash': () => {
        calls.push('test.crash');
        throw new Error('SQLITE_CORRUPT at /home/operator/secret/automation.db page 12');
      },
      // Extra field and wrong type: what a service drifting from the contract looks like.
      'test.drift': () => ({ greeting: 42, passwordHash: 'x' }) as unknown as { greeting: string },
    },
    { checkOutput: options.checkOutput ?? true, logError },
  );
  return { dispatcher, calls, logError };
}

function errorOf(envelope: Envelope<unknown>) {
  if (envelope.ok) throw new Error(`expected an error, got ${JSON.stringify(envelope.value)}`);
  return envelope.error;
}

describe('dispatch', () => {
  it('answers a valid call with the handler’s value', async () => {
    const { dispatcher } = setup();
    expect(await dispatcher.dispatch('test.echo', { name: 'Ada', count: 2 }, {})).toEqual({ ok: true, value: { greeting: 'hello Ada x2' } });
  });

  it('answers NOT_FOUND for a channel the contract does not have, inherited names included', async () => {
    const { dispatcher, calls } = setup();
    for (const channel of ['test.nope', '', '__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(errorOf(await dispatcher.dispatch(channel, {}, {})).code, channel).toBe('NOT_FOUND');
    }
    expect(calls).toEqual([]);
  });

  it('refuses unknown fields, naming them, without calling the handler', async () => {
    const { dispatcher, calls } = setup();
    const error = errorOf(await dispatcher.dispatch('test.echo', { name: 'Ada', count: 1, businessId: 3 }, {}));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('businessId');
    const nested = errorOf(await dispatcher.dispatch('test.echo', { name: 'Ada', count: 1, filters: { statuses: [], tenant: 1 } }, {}));
    expect(nested.message).toContain('filters.tenant');
    expect(calls).toEqual([]);
  });

  it('refuses wrong types, naming the field and its path', async () => {
    const { dispatcher, calls } = setup();
    const error = errorOf(await dispatcher.dispatch('test.echo', { name: 5, count: 1.5 }, {}));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/name: expected string/);
    expect(error.message).toMatch(/count: /);
    const deep = errorOf(await dispatcher.dispatch('test.echo', { name: 'A', count: 1, filters: { statuses: ['pending', 'exploded'] } }, {}));
    expect(deep.message).toContain('filters.statuses[1]');
    expect(calls).toEqual([]);
  });

  it('refuses input that is not an object at all', async () => {
    const { dispatcher } = setup();
    for (const input of [undefined, null, 'x', 42, [], [{ name: 'A', count: 1 }]]) {
      const error = errorOf(await dispatcher.dispatch('test.echo', input, {}));
      expect(error.code, JSON.stringify(input)).toBe('VALIDATION');
      expect(error.message).toMatch(/^Invalid input: input: /);
    }
  });

  it('keeps the message short when the input is huge', async () => {
    const { dispatcher, calls } = setup();
    const huge = 'x'.repeat(5_000_000);
    const tooLong = errorOf(await dispatcher.dispatch('test.echo', { name: huge, count: 1 }, {}));
    expect(tooLong.code).toBe('VALIDATION');
    expect(tooLong.message).toContain('name');
    expect(tooLong.message.length).toBeLessThan(500);
    const hugeKey = errorOf(await dispatcher.dispatch('test.echo', { name: 'A', count: 1, [huge]: 1 }, {}));
    expect(hugeKey.message.length).toBeLessThan(500);
    const hugeInput = errorOf(await dispatcher.dispatch('test.echo', huge, {}));
    expect(hugeInput.message.length).toBeLessThan(500);
    const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    expect(errorOf(await dispatcher.dispatch('test.echo', manyKeys, {})).message.length).toBeLessThan(1000);
    expect(calls).toEqual([]);
  });

  it('passes an AppError’s code and message on', async () => {
    const { dispatcher, logError } = setup();
    expect(errorOf(await dispatcher.dispatch('test.refuse', {}, {}))).toEqual({ code: 'CONFLICT', message: 'That run has already finished.' });
    expect(logError).not.toHaveBeenCalled();
  });

  it('turns any other error into INTERNAL, logs it, and leaks nothing of it', async () => {
    const { dispatcher, logError } = setup();
    const envelope = await dispatcher.dispatch('test.crash', {}, {});
    expect(envelope).toEqual({ ok: false, error: { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE } });
    expect(JSON.stringify(envelope)).not.toMatch(/SQLITE|secret|automation\.db/);
    expect(logError).toHaveBeenCalledTimes(1);
    expect(String(logError.mock.calls[0]![1])).toContain('SQLITE_CORRUPT');
  });

  it('catches a handler drifting from the output schema when checking output', async () => {
    const checked = setup({ checkOutput: true });
    expect(errorOf(await checked.dispatcher.dispatch('test.drift', {}, {})).code).toBe('INTERNAL');
    expect(checked.logError).toHaveBeenCalledWith(expect.stringContaining('breaks the contract'), expect.anything());
    const unchecked = setup({ checkOutput: false });
    expect((await unchecked.dispatcher.dispatch('test.drift', {}, {})).ok).toBe(true);
  });
});

describe('the app contract', () => {
  it('names exactly the channels listed in src-shared/channels.ts', async () => {
    const { CHANNELS } = await import('../../src-shared/channels');
    expect(Object.keys(contract).sort()).toEqual([...CHANNELS].sort());
  });

  it('refuses unknown fields on app.status', async () => {
    const core = createAppCore({ argv: ['--db', tempDbPath()], env: {}, migrationsFolder: MIGRATIONS_FOLDER });
    const context = { shell: 'http' as const, session: sessionHandle(core.sessions, { read: () => null, write: () => undefined }) };
    const error = errorOf(await core.dispatcher.dispatch('app.status', { businessId: 1 }, context));
    await core.close();
    expect(error).toEqual({ code: 'VALIDATION', message: 'Invalid input: businessId: unknown field.' });
  });
});
