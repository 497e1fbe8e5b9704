// Drives the CLI in-process: argv in; exit code, stdout and stderr out; stdin fed as text or by the test.
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** What the operator types (lines end in \n); nothing by default. */
  stdin?: string | NodeJS.ReadableStream;
  isTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function cliIo(options: RunOptions = {}) {
  const out = { stdout: '', stderr: '' };
  const stdin = typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([options.stdin ?? '']) : options.stdin;
  const io: CliIo = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    stdin,
    isTTY: options.isTTY ?? false,
    // No AUTOMATION_DB from the developer's shell, and no default folder outside the test's own.
    env: options.env ?? { XDG_CONFIG_HOME: '/nonexistent-automation-test-home' },
  };
  return { io, out };
}

export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliOutcome> {
  const { io, out } = cliIo(options);
  const code = await main(argv, io);
  return { code, ...out };
}

/** A stdin the test writes to while the command waits, e.g. after changing the data behind a preview. */
export function typedInput(): PassThrough {
  return new PassThrough();
}

export function parseJson(stdout: string): { ok: boolean; value?: Record<string, unknown>; error?: Record<string, unknown> } {
  return JSON.parse(stdout) as { ok: boolean; value?: Record<string, unknown>; error?: Record<string, unknown> };
}
