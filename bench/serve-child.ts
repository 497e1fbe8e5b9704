// The built app's HTTP shell (out/main/serve.js) as a person starts it, in a process of its own: what the window items
// open in Chromium and the memory item measures. Built first: `npm run build`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { copyDatabaseFile } from './dataset';

export const SERVE_JS = path.resolve(__dirname, '../out/main/serve.js');
export const BUILD_FIRST = 'Build the app first (npm run build): out/main/serve.js is missing';

/** The time since the epoch, in ms, with the precision of performance.now(). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** When the process was spawned, printed its file, and listened (serve.ts prints those lines), by epochNow. */
export interface ServeMarks {
  spawned?: number;
  processUp?: number;
  listening?: number;
}

export interface ServeChild {
  pid: number;
  /** The page's address with the run's token, once the app listens; rejects if it exits first. */
  pageUrl: Promise<string>;
  stop(): Promise<void>;
  output(): string;
}

/** Spawns the built app on `file`, its settings under `configDir`; `marks` receives its start's moments. */
export function spawnServe(file: string, configDir: string, marks: ServeMarks = {}): ServeChild {
  if (!fs.existsSync(SERVE_JS)) throw new Error(BUILD_FIRST);
  marks.spawned = epochNow();
  const child = spawn(process.execPath, [SERVE_JS, '--db', file], {
    env: { ...process.env, XDG_CONFIG_HOME: configDir, AUTOMATION_LAUNCH_COMMAND: 'npm run bench' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start ${SERVE_JS}`);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pageUrl = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const at = epochNow();
      output += chunk;
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('Database: ')) marks.processUp ??= at;
        const running = /running at (\S+)/.exec(line);
        if (running?.[1]) {
          marks.listening = at;
          resolve(running[1]);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    void exited.then((code) => reject(new Error(`The app exited (${code}) before it served:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  };
  return { pid: child.pid, pageUrl, stop, output: () => output };
}

/**
 * A copy of a bench dataset for the app to start on without serving the dataset's queue (some of its pending runs are
 * real work, backups among them): those and the running ones cancelled, as of the dataset's end.
 */
export function quietCopy(source: string, endsAt: number, destination: string): string {
  copyDatabaseFile(source, destination);
  const db = new Database(destination);
  try {
    db.prepare("UPDATE job_runs SET status = 'cancelled', finished_at = ?, progress = NULL WHERE status IN ('pending', 'running')").run(endsAt);
  } finally {
    db.close();
  }
  return destination;
}
