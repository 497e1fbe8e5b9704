// One child process per trial, killed with SIGKILL at a chosen moment, and where that moment fell: before the
// operation began, while it was in progress, or after it had finished. The child says when it begins and ends on
// its output (the CLI's progress lines and result, or the runner child's own lines); the parent only reads them.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI_ENTRY = path.join(REPO_ROOT, 'src-main/cli/main.ts');
export const MIGRATIONS_FOLDER = path.join(REPO_ROOT, 'drizzle');

/** When to kill: `delayMs` after the child started, or after it said the operation began. */
export interface KillPlan {
  from: 'spawn' | 'begun';
  delayMs: number;
}

/** Where the kill fell. `none`: the child ended by itself first (or no kill was planned). */
export type KillMoment = 'before' | 'mid' | 'after' | 'none';

export interface ChildRun {
  moment: KillMoment;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the spawn to the line that said the operation began, and to the one that said it ended. */
  begunAtMs: number | null;
  endedAtMs: number | null;
  /** Milliseconds from the spawn to the kill. */
  killedAtMs: number | null;
  /** The last line the child had written to stderr when it was killed (the CLI's progress: the phase it was in). */
  stderrAtKill: string | null;
  /** The child outlived `timeoutMs` and was killed for it. */
  hung: boolean;
}

export interface ChildSpec {
  /** A TypeScript entry point, run through tsx, and its arguments. */
  script: string;
  args: string[];
  /** Output lines (stdout or stderr) that say the operation began, and that it ended. */
  begun: RegExp;
  ended: RegExp;
  kill: KillPlan | null;
  timeoutMs: number;
}

export function runChild(spec: ChildSpec): Promise<ChildRun> {
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  // No operator's database from the environment, and no default folder: every command names its file.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-automation-chaos-home' };
  delete env.AUTOMATION_DB;
  const child = spawn(process.execPath, ['--import', 'tsx', spec.script, ...spec.args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: ChildRun = { moment: 'none', exitCode: null, signal: null, stdout: '', stderr: '', begunAtMs: null, endedAtMs: null, killedAtMs: null, stderrAtKill: null, hung: false };
  let alive = true;
  let killTimer: NodeJS.Timeout | null = null;

  const killNow = () => {
    if (!alive) return;
    run.killedAtMs = since();
    run.moment = run.endedAtMs !== null ? 'after' : run.begunAtMs !== null ? 'mid' : 'before';
    run.stderrAtKill = run.stderr.trim().split('\n').at(-1) ?? null;
    child.kill('SIGKILL');
  };
  const planKill = (delayMs: number) => {
    killTimer = setTimeout(killNow, Math.max(0, delayMs));
  };
  const watch = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    run[stream] += chunk.toString('utf8');
    const output = run.stdout + run.stderr;
    if (run.begunAtMs === null && spec.begun.test(output)) {
      run.begunAtMs = since();
      if (spec.kill?.from === 'begun') planKill(spec.kill.delayMs);
    }
    if (run.endedAtMs === null && spec.ended.test(output)) run.endedAtMs = since();
  };
  child.stdout.on('data', watch('stdout'));
  child.stderr.on('data', watch('stderr'));
  if (spec.kill?.from === 'spawn') planKill(spec.kill.delayMs);
  const watchdog = setTimeout(() => {
    run.hung = true;
    killNow();
  }, spec.timeoutMs);

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      alive = false;
      if (killTimer) clearTimeout(killTimer);
      clearTimeout(watchdog);
      run.exitCode = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

/** The kill plan of one trial: mostly a uniform moment across the operation's calibrated length, sometimes before it begins. */
export function chooseKill(random: () => number, calibration: { begunAtMs: number; lengthMs: number }): KillPlan {
  if (random() < 0.1) return { from: 'spawn', delayMs: Math.round(random() * calibration.begunAtMs) };
  return { from: 'begun', delayMs: Math.round(random() * calibration.lengthMs * 1.15) };
}

/** The last lines of a child's output, for a failure report. */
export function tail(run: ChildRun, lines = 6): string {
  return `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-lines).join('\n    ');
}
