// What a chaos trial is: a kind of operation, its fixture built once per round, and one killed (or, to calibrate,
// uninterrupted) run of it on a fresh copy, with what the checks found.
import type { ChildRun, KillPlan } from './child';

export interface TrialContext {
  /** The round's own folder; each trial gets a folder inside it. */
  dir: string;
  /** Runs in the dataset the orphan and adoption fixtures are built with. */
  runs: number;
  log(line: string): void;
}

export interface TrialOutcome {
  /** What this trial did, e.g. "delete --ids (4,120)". */
  label: string;
  run: ChildRun;
  /** The state the file was found in, e.g. "untouched", "done", "adopted". */
  state: string;
  /** Everything that must hold and did not: a lost row, a partial operation, a failed check. Empty: the trial passed. */
  problems: string[];
  /** Counts worth printing per kind (leftover backups, runs recovered as interrupted, …). */
  tallies: Record<string, number>;
}

export interface TrialKind<F> {
  name: string;
  prepare(context: TrialContext): Promise<F>;
  /** One trial in `trialDir`; `kill` null runs the operation to its end (the calibration and reference run). */
  trial(context: TrialContext, fixture: F, trialDir: string, random: () => number, kill: KillPlan | null): Promise<TrialOutcome>;
}

/** For a kill mid-operation, the CLI's phase it landed in, as a tally ("killed mid-operation while Copying runs"). */
export function phaseTally(run: ChildRun): Record<string, number> {
  if (run.moment !== 'mid' || !run.stderrAtKill) return {};
  return { [`killed mid-operation while ${run.stderrAtKill.replace(/…$/, '')}`]: 1 };
}

/** A child that was not killed must have finished its work and exited 0. */
export function unkilledProblems(run: ChildRun): string[] {
  if (run.hung) return [`the child did not finish within its time limit (killed after ${run.killedAtMs} ms)`];
  if (run.killedAtMs !== null) return [];
  if (run.exitCode !== 0) return [`the child exited with ${run.exitCode ?? run.signal} without being killed`];
  if (run.endedAtMs === null) return ['the child exited without saying it had finished'];
  return [];
}
