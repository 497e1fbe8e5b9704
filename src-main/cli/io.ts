// The CLI's terminal: where it writes, how it asks, how it shows progress. Injected, so tests drive it in-process.
import readline from 'node:readline';
import type { ProgressListener } from '../../src-shared/progress';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream;
  /** A person is at a terminal: questions may be asked, progress may redraw one line. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: Boolean(process.stdin.isTTY),
    env: process.env,
  };
}

/** Asks on stderr (stdout stays clean for output) and reads one line; null when input ends first. */
export async function askLine(io: CliIo, question: string): Promise<string | null> {
  io.stderr.write(question);
  const lines = readline.createInterface({ input: io.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return null;
  } finally {
    lines.close();
  }
}

export async function askYesNo(io: CliIo, question: string): Promise<boolean> {
  const answer = await askLine(io, `${question} [y/N] `);
  return answer !== null && /^y(es)?$/i.test(answer.trim());
}

export interface ProgressReporter {
  onProgress: ProgressListener;
  /** Ends an updating line, so what follows starts on a fresh one. */
  finish(): void;
}

/** On a terminal one line redraws itself; elsewhere (logs, CI) each phase gets one line. Silent when disabled. */
export function progressReporter(io: CliIo, enabled: boolean): ProgressReporter {
  if (!enabled) return { onProgress: () => undefined, finish: () => undefined };
  let lastPhase: string | null = null;
  let lineOpen = false;
  return {
    onProgress: ({ phase, done, total }) => {
      if (io.isTTY) {
        const percent = total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '';
        io.stderr.write(`\r\x1b[2K${phase}…${percent}`);
        lineOpen = true;
      } else if (phase !== lastPhase) {
        io.stderr.write(`${phase}…\n`);
      }
      lastPhase = phase;
    },
    finish: () => {
      if (lineOpen) io.stderr.write('\n');
      lineOpen = false;
    },
  };
}
