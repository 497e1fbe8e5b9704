// The one contract binding: every bad call comes back as a clear envelope, and nothing internal leaks.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAppCore } from '../../src-main/app-core';
import { createDispatcher, INTERNAL_ERROR_MESSAGE, UNREADABLE_INPUT_MESSAGE } from '../../src-main/ipc/dispatch';
import { sessionHandle } from '../../src-main/sessions';
import { contract } from '../../src-shared/contract';
import { AppError, type Envelope } from '../../src-shared/errors';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';

const anyone = { who: 'anyone', tenant: 'none' } as const;
/** No gate is asked for `anyone`'s channels; this one fails the test if it is. */
const unusedGate = {
  signedIn: () => expect.unreachable('the gate was asked'),
  inTenant: () => expect.unreachable('the gate was asked'),
};

const testContract = {
  'test.echo': {
    access: anyone,
    input: z.strictObject({
      name: z.string().max(100),
      count: z.number().int(),
      filters: z.strictObject({ statuses: z.array(z.enum(['pending', 'running'])) }).optional(),
    }),
    output: z.strictObject({ greeting: z.string() }),
  },
  'test.refuse': { access: anyone, input: z.strictObject({}), output: z.strictObject({}) },
  'test.crash': { access: anyone, input: z.strictObject({}), output: z.strictObject({}) },
  'test.drift': { access: anyone, input: z.strictObject({}), output: z.strictObject({ greeting: z.string() }) },
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
    unusedGate,
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

  it('refuses unknown fields, listing each with its path, without calling the handler', async () => {
    const { dispatcher, calls } = setup();
    const error = errorOf(await dispatcher.dispatch('test.echo', { name: 'Ada', count: 1, businessId: 3 }, {}));
    expect(error).toEqual({
      code: 'VALIDATION',
      message: '“businessId” is not a field this form knows.',
      fields: [{ path: 'businessId', message: '“businessId” is not a field this form knows.' }],
    });
    const nested = errorOf(await dispatcher.dispatch('test.echo', { name: 'Ada', count: 1, filters: { statuses: [], tenant: 1 } }, {}));
    expect(nested.fields).toEqual([{ path: 'filters.tenant', message: '“tenant” is not a field this form knows.' }]);
    expect(calls).toEqual([]);
  });

  it('refuses wrong values field by field, in people’s words, with each field’s path', async () => {
    const { dispatcher, calls } = setup();
    const error = errorOf(await dispatcher.dispatch('test.echo', { name: 5, count: 1.5 }, {}));
    expect(error.fields).toEqual([
      { path: 'name', message: 'Name must be text.' },
      { path: 'count', message: 'Count must be a whole number.' },
    ]);
    expect(error.message).toBe('Name must be text. Count must be a whole number.');
    const missing = errorOf(await dispatcher.dispatch('test.echo', { count: 1 }, {}));
    expect(missing.fields).toEqual([{ path: 'name', message: 'Name is required.' }]);
    const tooLong = errorOf(await dispatcher.dispatch('test.echo', { name: 'x'.repeat(101), count: 1 }, {}));
    expect(tooLong.fields).toEqual([{ path: 'name', message: 'Name can be at most 100 characters.' }]);
    const deep = errorOf(await dispatcher.dispatch('test.echo', { name: 'A', count: 1, filters: { statuses: ['pending', 'exploded'] } }, {}));
    expect(deep.fields).toEqual([{ path: 'filters.statuses[1]', message: 'Statuses must be one of: pending, running.' }]);
    for (const { message } of [...(error.fields ?? []), ...(deep.fields ?? [])]) expect(message).not.toMatch(/Invalid|expected|received|<=|>=/);
    expect(calls).toEqual([]);
  });

  it('refuses input that is not an object at all', async () => {
    const { dispatcher } = setup();
    for (const input of [undefined, null, 'x', 42, [], [{ name: 'A', count: 1 }]]) {
      const error = errorOf(await dispatcher.dispatch('test.echo', input, {}));
      expect(error.code, JSON.stringify(input)).toBe('VALIDATION');
      expect(error.fields?.[0]?.path).toBe('');
      expect(error.message).toMatch(/^The input (is required|must be a set of fields)\.$/);
    }
  });

  it('keeps the message short when the input is huge', async () => {
    const { dispatcher, calls } = setup();
    const huge = 'x'.repeat(5_000_000);
    const tooLong = errorOf(await dispatcher.dispatch('test.echo', { name: huge, count: 1 }, {}));
    expect(tooLong.code).toBe('VALIDATION');
    expect(tooLong.fields).toEqual([{ path: 'name', message: 'Name can be at most 100 characters.' }]);
    const hugeKey = errorOf(await dispatcher.dispatch('test.echo', { name: 'A', count: 1, [huge]: 1 }, {}));
    expect(hugeKey.message.length).toBeLessThan(500);
    const hugeInput = errorOf(await dispatcher.dispatch('test.echo', huge, {}));
    expect(hugeInput.message.length).toBeLessThan(500);
    expect(JSON.stringify(hugeKey).length).toBeLessThan(1000);
    const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const many = errorOf(await dispatcher.dispatch('test.echo', manyKeys, {}));
    expect(many.message.length).toBeLessThan(1000);
    expect(JSON.stringify(many).length).toBeLessThan(5000);
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

describe('the dispatcher never throws', () => {
  const neverContract = {
    'test.echo': testContract['test.echo'],
    'test.refineThrows': {
      access: anyone,
      input: z.strictObject({ n: z.number() }).refine(() => {
        throw new RangeError('Maximum call stack size exceeded');
      }),
      output: z.unknown(),
    },
    'test.outputThrows': {
      access: anyone,
      input: z.strictObject({}),
      output: z.unknown().refine(() => {
        throw new Error('the output check broke');
      }),
    },
    'test.badValue': { access: anyone, input: z.strictObject({}), output: z.strictObject({ greeting: z.string() }) },
    'test.gateThrows': { access: { who: 'signed_in', tenant: 'none' }, input: z.strictObject({}), output: z.unknown() },
  } as const;

  function setupNever(logError: (message: string, error: unknown) => void = vi.fn()) {
    const handled: string[] = [];
    const dispatcher = createDispatcher(
      neverContract,
      {
        'test.echo': () => ({ greeting: 'hi' }),
        'test.refineThrows': () => handled.push('test.refineThrows'),
        'test.outputThrows': () => ({}),
        // A value whose reading throws, as a broken row mapper might return.
        'test.badValue': () => Object.defineProperty({}, 'greeting', { enumerable: true, get: () => { throw new Error('getter'); } }) as { greeting: string },
        'test.gateThrows': () => handled.push('test.gateThrows'),
      },
      {
        signedIn: () => {
          throw new TypeError('the session store is gone');
        },
        inTenant: () => expect.unreachable('no tenant channel here'),
      },
      { checkOutput: true, logError },
    );
    return { dispatcher, handled };
  }

  it('refuses as VALIDATION an input whose reading throws: a getter, a proxy, a toString', async () => {
    const { dispatcher } = setupNever();
    const throwing = () => {
      throw new Error('read me not');
    };
    const inputs = [
      Object.defineProperty({ count: 1 }, 'name', { enumerable: true, get: throwing }),
      new Proxy({}, { ownKeys: throwing, get: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing }),
      { name: { toString: throwing, valueOf: throwing }, count: 1 },
    ];
    for (const input of inputs) {
      const error = errorOf(await dispatcher.dispatch('test.echo', input, {}));
      expect(error.code).toBe('VALIDATION');
      expect(error.message).not.toMatch(/read me not/);
    }
  });

  it('refuses as VALIDATION, never as a thrown error, an input a refine cannot finish checking', async () => {
    const { dispatcher, handled } = setupNever();
    expect(errorOf(await dispatcher.dispatch('test.refineThrows', { n: 1 }, {}))).toEqual({ code: 'VALIDATION', message: UNREADABLE_INPUT_MESSAGE });
    expect(handled).toEqual([]);
  });

  it('answers INTERNAL, logged, when the output check, the value or the gate throws', async () => {
    const logError = vi.fn();
    const { dispatcher, handled } = setupNever(logError);
    for (const channel of ['test.outputThrows', 'test.badValue', 'test.gateThrows']) {
      expect(await dispatcher.dispatch(channel, {}, {}), channel).toEqual({ ok: false, error: { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE } });
    }
    expect(handled).toEqual([]);
    expect(logError).toHaveBeenCalledTimes(3);
  });

  it('answers even when its logger throws, and for a channel name that is not text', async () => {
    const { dispatcher } = setupNever(() => {
      throw new Error('the log is full');
    });
    expect(errorOf(await dispatcher.dispatch('test.gateThrows', {}, {})).code).toBe('INTERNAL');
    const weird = { toString: () => expect.unreachable('the name was read') } as unknown as string;
    expect(errorOf(await dispatcher.dispatch(weird, {}, {}))).toEqual({ code: 'NOT_FOUND', message: 'There is no such channel.' });
  });
});

describe('access, as each channel declares it', () => {
  const accessContract = {
    'test.public': { access: anyone, input: z.strictObject({}), output: z.unknown() },
    'test.session': { access: { who: 'signed_in', tenant: 'none' }, input: z.strictObject({}), output: z.unknown() },
    'test.admin': { access: { who: 'orphans.manage', tenant: 'none' }, input: z.strictObject({}), output: z.unknown() },
    'test.tenant': { access: { who: 'runs.read', tenant: 'scope' }, input: z.strictObject({}), output: z.unknown() },
  } as const;

  /** A gate that refuses when the caller says so, and a handler table that records what it was handed. */
  function setupGate(refuse: 'UNAUTHENTICATED' | 'FORBIDDEN' | null) {
    const asked: string[] = [];
    const handled: unknown[] = [];
    const admitOrRefuse = <T>(kind: string, who: string, admitted: T): T => {
      asked.push(`${kind} ${who}`);
      if (refuse) throw new AppError(refuse, `refused by the gate (${who})`);
      return admitted;
    };
    const dispatcher = createDispatcher(
      accessContract,
      {
        'test.public': (_input, context) => handled.push(context),
        'test.session': (_input, context) => handled.push(context.user),
        'test.admin': (_input, context) => handled.push(context.user),
        'test.tenant': (_input, context) => handled.push(context.scope),
      },
      {
        signedIn: (who: string, context: { caller: string }) => admitOrRefuse('signedIn', who, { user: context.caller }),
        inTenant: (who: string, context: { caller: string }) => admitOrRefuse('inTenant', who, { user: context.caller, scope: 'acme' }),
      },
      { checkOutput: false },
    );
    return { dispatcher, asked, handled };
  }

  it('hands each handler what the gate admitted, asking it the declared level', async () => {
    const { dispatcher, asked, handled } = setupGate(null);
    for (const channel of Object.keys(accessContract)) expect((await dispatcher.dispatch(channel, {}, { caller: 'ada' })).ok, channel).toBe(true);
    expect(asked).toEqual(['signedIn signed_in', 'signedIn orphans.manage', 'inTenant runs.read']);
    expect(handled).toEqual([{ caller: 'ada' }, 'ada', 'ada', 'acme']);
  });

  it('answers the gate’s refusal, and never runs the handler', async () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN'] as const) {
      const { dispatcher, handled } = setupGate(code);
      for (const channel of ['test.session', 'test.admin', 'test.tenant']) {
        expect(errorOf(await dispatcher.dispatch(channel, {}, { caller: 'ada' })).code, channel).toBe(code);
      }
      expect(handled).toEqual([]);
      expect((await dispatcher.dispatch('test.public', {}, { caller: 'ada' })).ok).toBe(true);
    }
  });

  it('checks the input before the caller: a malformed call never reaches the gate', async () => {
    const { dispatcher, asked } = setupGate('FORBIDDEN');
    expect(errorOf(await dispatcher.dispatch('test.tenant', { businessId: 2 }, { caller: 'ada' })).code).toBe('VALIDATION');
    expect(asked).toEqual([]);
  });

  it('refuses to bind a contract with a channel that declares no access, or one it does not understand', () => {
    const bind = (access: unknown) =>
      createDispatcher({ 'test.x': { access, input: z.strictObject({}), output: z.unknown() } } as never, {} as never, unusedGate);
    expect(() => bind(undefined)).toThrow(/declare no access: test\.x/);
    expect(() => bind({ who: 'anyone', tenant: 'scope' })).toThrow(/declare no access/);
    expect(() => bind({ who: 'runs.nuke', tenant: 'none' })).toThrow(/declare no access/);
    expect(() => bind({ who: 'runs.read', tenant: 'scope', also: 1 })).toThrow(/declare no access/);
    expect(() => bind({ who: 'runs.read', tenant: 'scope' })).not.toThrow();
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
    expect(error).toEqual({
      code: 'VALIDATION',
      message: '“businessId” is not a field this form knows.',
      fields: [{ path: 'businessId', message: '“businessId” is not a field this form knows.' }],
    });
  });
});
