// The contract fuzz: every channel fed inputs generated from its own schema (valid-looking and malformed, and in
// process some no JSON can carry), as a member, a business admin, a system admin and no session, over the real
// dispatcher (in process, as the Electron shell calls it, or through the real HTTP shell on 127.0.0.1) on a real
// SQLite file seeded with two businesses. Its promises, checked on every answer:
//   - no INTERNAL answer (the HTTP shell's 500);
//   - a refused call writes nothing (the database's fingerprint is unchanged);
//   - no row of another tenant in any answer (no token another tenant owns in its JSON).
// Rounds of `roundSize` requests each start on a fresh copy of the world, so what a system admin's calls change
// (a user disabled, orphans assigned) does not starve the rest. `npm run test:fuzz -- --requests N` runs it long.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { type AppCore } from '../../src-main/app-core';
import { type AppDatabase } from '../../src-main/db/connection';
import { type HttpShell, SESSION_HEADER, startHttpShell } from '../../src-main/http/server';
import { CHANNELS, type Channel } from '../../src-shared/channels';
import { contract } from '../../src-shared/contract';
import { type Envelope } from '../../src-shared/errors';
import { hostileInputs, inputJsonSchema, malformed, validLooking } from './arbitraries';
import { buildWorldFile, CALLERS, type Caller, contextFor, fingerprint, forbiddenTokens, openCore, readyDb, type World, WORLD_START } from './world';

export interface FuzzOptions {
  requests: number;
  seed?: number;
  roundSize?: number;
  /** Called with each failure as it is found. */
  onFailure?: (failure: FuzzFailure) => void;
}

export interface FuzzFailure {
  rule: 'internal' | 'refused call wrote' | 'another tenant leaked' | 'threw';
  channel: string;
  caller: Caller;
  kind: InputKind;
  transport: 'in-process' | 'http';
  input: string;
  detail: string;
}

type InputKind = 'valid-looking' | 'malformed' | 'hostile';

export interface FuzzFigures {
  seed: number;
  requests: number;
  byCode: Record<string, number>;
  byCaller: Record<Caller, number>;
  byKind: Record<InputKind, number>;
  byTransport: Record<'in-process' | 'http', number>;
  /** The channels that answered OK at least once: the fuzz got past their checks into their handlers. */
  answeredOk: Set<string>;
  internal: number;
  failures: FuzzFailure[];
  channelsCalled: number;
  ms: number;
}

/** Requests to one channel, of one kind, through one shell, generated together; each by a caller of its own. */
const BATCH = 8;

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const roundSize = options.roundSize ?? 400;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-fuzz-'));
  const figures: FuzzFigures = {
    seed,
    requests: 0,
    byCode: {},
    byCaller: { member: 0, business_admin: 0, system_admin: 0, none: 0 },
    byKind: { 'valid-looking': 0, malformed: 0, hostile: 0 },
    byTransport: { 'in-process': 0, http: 0 },
    answeredOk: new Set(),
    internal: 0,
    failures: [],
    channelsCalled: 0,
    ms: 0,
  };
  const called = new Set<string>();
  try {
    const template = path.join(dir, 'world.db');
    const world = await buildWorldFile(template);
    const pools = { ids: world.ids, strings: world.strings, instants: [WORLD_START, WORLD_START - 86_400_000, WORLD_START + 30 * 86_400_000, Date.now()] };
    const inputs = new Map(CHANNELS.map((channel) => [channel, inputArbitraries(channel, pools)]));
    const choose = seededChoice(seed);
    // Channels in turn, so that even a short run calls every one.
    let turn = 0;
    const nextChannel = () => CHANNELS[turn++ % CHANNELS.length]!;
    for (let round = 0; figures.requests < options.requests; round++) {
      const file = path.join(dir, `round-${round}.db`);
      fs.copyFileSync(template, file);
      const quota = Math.min(roundSize, options.requests - figures.requests);
      await fuzzRound({ file, world, quota, seed: seed + round, figures, called, options, inputs, choose, nextChannel });
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  figures.channelsCalled = called.size;
  figures.ms = Date.now() - started;
  return figures;
}

type Arbitraries = Record<Exclude<InputKind, 'hostile'>, fc.Arbitrary<unknown>>;

function inputArbitraries(channel: Channel, pools: Parameters<typeof validLooking>[1]): Arbitraries {
  const valid = validLooking(inputJsonSchema(contract[channel].input), pools);
  return { 'valid-looking': valid, malformed: malformed(valid) };
}

/** A small seeded generator (mulberry32): which caller, channel and kind each batch is. */
function seededChoice(seed: number): <T>(items: readonly T[]) => T {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (items) => items[Math.floor(next() * items.length)]!;
}

interface Round {
  file: string;
  world: World;
  quota: number;
  seed: number;
  figures: FuzzFigures;
  called: Set<string>;
  options: FuzzOptions;
  inputs: Map<Channel, Arbitraries>;
  choose: <T>(items: readonly T[]) => T;
  nextChannel: () => Channel;
}

const KINDS: readonly InputKind[] = ['valid-looking', 'valid-looking', 'valid-looking', 'malformed', 'malformed', 'hostile'];

async function fuzzRound(round: Round): Promise<void> {
  const core = openCore(round.file);
  const db = await readyDb(core);
  const staticRoot = path.join(path.dirname(round.file), 'renderer');
  fs.mkdirSync(staticRoot, { recursive: true });
  fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>fuzz</title>');
  const shell = await startHttpShell({ core, staticRoot });
  const sessions: Record<Caller, string | null> = { member: null, business_admin: null, system_admin: null, none: null };
  /** `caller`'s live session: a fuzzed sign-out or a disabled account does not end their turn. */
  const sessionOf = (caller: Caller) => {
    if (caller === 'none') return null;
    const current = sessions[caller];
    if (current === null || core.sessions.peek(current) === null) sessions[caller] = core.sessions.begin(round.world.callerIds[caller], null).id;
    return sessions[caller];
  };
  const hostile = hostileInputs();
  let done = 0;
  let batch = 0;
  try {
    while (done < round.quota) {
      const channel = round.nextChannel();
      const kind = round.choose(KINDS);
      // Values no JSON carries reach only the in-process dispatcher; the rest go either way.
      const transport = kind === 'hostile' ? 'in-process' : round.choose(TRANSPORTS);
      const count = Math.min(BATCH, round.quota - done);
      const values =
        kind === 'hostile'
          ? Array.from({ length: count }, () => round.choose(hostile).make())
          : fc.sample(round.inputs.get(channel)![kind], { seed: round.seed * 1000 + batch, numRuns: count });
      batch++;
      for (const input of values) {
        const caller = round.choose(CALLERS);
        await oneRequest(round, { db, core, shell, caller, channel, kind, transport, input, sessionId: sessionOf(caller) });
        done++;
      }
    }
  } finally {
    await shell.close();
    await core.close();
  }
}

const TRANSPORTS = ['in-process', 'http'] as const;
type Transport = (typeof TRANSPORTS)[number];

interface Request {
  db: AppDatabase;
  core: AppCore;
  shell: HttpShell;
  caller: Caller;
  channel: Channel;
  kind: InputKind;
  transport: Transport;
  input: unknown;
  sessionId: string | null;
}

/** The answer, as the request's shell gives it (a 500 is INTERNAL), and what main logged meanwhile. */
async function send(request: Request): Promise<{ envelope: Envelope<unknown>; logged: unknown[][]; transport: Transport }> {
  const logged: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    const body = request.transport === 'http' ? jsonOrNull(request.input) : null;
    if (body === null) {
      const envelope = await request.core.dispatcher.dispatch(request.channel, request.input, contextFor(request.core, request.sessionId));
      return { envelope, logged, transport: 'in-process' };
    }
    const response = await fetch(`http://127.0.0.1:${request.shell.port}/api/${request.channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${request.shell.token}`, ...(request.sessionId ? { [SESSION_HEADER]: request.sessionId } : {}) },
      body,
    });
    const envelope = (await response.json()) as Envelope<unknown>;
    if (response.status >= 500 && envelope.ok) return { envelope: { ok: false, error: { code: 'INTERNAL', message: `HTTP ${response.status}` } }, logged, transport: 'http' };
    return { envelope, logged, transport: 'http' };
  } catch (error) {
    logged.push(['the call threw:', error]);
    return { envelope: { ok: false, error: { code: 'INTERNAL', message: 'the call threw' } }, logged, transport: request.transport };
  } finally {
    console.error = consoleError;
  }
}

/** The body a client sends for `value`; null when JSON.stringify cannot write it (nested deeper than its stack). */
function jsonOrNull(value: unknown): string | null {
  try {
    return value === undefined ? '' : JSON.stringify(value);
  } catch {
    return null;
  }
}

async function oneRequest(round: Round, request: Request): Promise<void> {
  const { figures } = round;
  const { db, caller, channel, kind, input } = request;
  const before = fingerprint(db);
  const { envelope, logged, transport } = await send(request);
  figures.requests++;
  figures.byCaller[caller]++;
  figures.byKind[kind]++;
  figures.byTransport[transport]++;
  round.called.add(channel);
  const code = envelope.ok ? 'OK' : envelope.error.code;
  figures.byCode[code] = (figures.byCode[code] ?? 0) + 1;
  if (envelope.ok) figures.answeredOk.add(channel);
  const fail = (rule: FuzzFailure['rule'], detail: string) => {
    const failure = { rule, channel, caller, kind, transport, input: describe(input), detail };
    figures.failures.push(failure);
    round.options.onFailure?.(failure);
  };
  if (code === 'INTERNAL') {
    figures.internal++;
    fail('internal', logged.map((args) => args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : describe(arg))).join(' ')).join('\n').slice(0, 2000));
  }
  if (!envelope.ok && fingerprint(db) !== before) fail('refused call wrote', `${code}: ${envelope.error.message}`);
  // Who signs in with a password sees their own account: the caller is someone else from then on.
  if (envelope.ok && (channel === 'auth.login' || channel === 'auth.setup')) return;
  const answer = JSON.stringify(envelope).toLowerCase();
  // What the caller sent may come back (a refusal names the value): only what they did not send is a leak.
  const asked = (jsonOrNull(input) ?? '').toLowerCase();
  const leaked = forbiddenTokens(db, round.world, caller).filter((token) => answer.includes(token) && !asked.includes(token));
  if (leaked.length > 0) fail('another tenant leaked', `${leaked.join(', ')} in ${whereFound(envelope, leaked[0]!).slice(0, 1000)}`);
}

/** The first item of a list in `value` whose JSON holds `token` (an event, a run, a user), or the whole JSON. */
function whereFound(value: unknown, token: string): string {
  const holds = (item: unknown) => (JSON.stringify(item) ?? '').toLowerCase().includes(token);
  if (Array.isArray(value)) {
    const item = value.find(holds);
    return item === undefined ? '' : JSON.stringify(item);
  }
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) {
      if (holds(child) && typeof child === 'object' && child !== null) return whereFound(child, token);
    }
  }
  return JSON.stringify(value) ?? '';
}

/** An input as a short text for a report: JSON where it can be, cut to 300 characters. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = `(${typeof value} that JSON cannot show)`;
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

/** The figures as lines a person compares run to run. */
export function figuresReport(figures: FuzzFigures): string {
  const codes = Object.entries(figures.byCode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const callers = Object.entries(figures.byCaller).map(([caller, n]) => `${caller} ${n}`).join(', ');
  const kinds = Object.entries(figures.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ');
  const neverOk = CHANNELS.filter((channel) => !figures.answeredOk.has(channel));
  const transports = Object.entries(figures.byTransport).map(([transport, n]) => `${transport} ${n}`).join(', ');
  const byRule = new Map<string, number>();
  for (const failure of figures.failures) byRule.set(failure.rule, (byRule.get(failure.rule) ?? 0) + 1);
  return [
    `fuzz: ${figures.requests} requests over ${figures.channelsCalled} channels in ${(figures.ms / 1000).toFixed(1)} s (seed ${figures.seed})`,
    `  by outcome: ${codes}`,
    `  by caller: ${callers}`,
    `  by input: ${kinds}`,
    `  by shell: ${transports}`,
    `  channels that answered OK: ${figures.answeredOk.size} of ${CHANNELS.length}${neverOk.length > 0 ? ` (never: ${neverOk.join(', ')})` : ''}`,
    `  500s (INTERNAL): ${figures.internal}`,
    `  failures: ${figures.failures.length}${byRule.size > 0 ? ` (${[...byRule].map(([rule, n]) => `${rule} ${n}`).join(', ')})` : ''}`,
  ].join('\n');
}
