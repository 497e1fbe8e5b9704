// The runner's shared state, and what runner.ts hands each of its parts (progress, group commit, idle checkpoint,
// heartbeat, execution): the state is this one object, never a part's closure. Each part keeps its own timers.
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import type { AppDatabase } from '../../db/connection';
import type { JobRunListRow } from '../../history/views';
import type { RunOutcome, RunOwnScope } from '../../lifecycle/runs';

export interface ProgressReport {
  fraction: number;
  message?: string;
}

export interface ActiveRun {
  id: number;
  scope: RunOwnScope;
  controller: AbortController;
  /** Set when the runner stops: the run ends failed as interrupted instead. */
  interrupted: boolean;
  lastProgressWriteAt: number;
  pendingProgress: ProgressReport | null;
  progressTimer: NodeJS.Timeout | null;
  /** Resolves once the run's outcome has been written (or could not be) and its slot is free. */
  settled: Promise<void>;
  release: () => void;
}

export interface QueuedOutcome {
  run: ActiveRun;
  outcome: RunOutcome;
}

export interface RunnerState {
  phase: 'idle' | 'started' | 'stopped';
  /** The runs claimed and not yet released, by id: each holds a slot until its outcome has been written. */
  readonly active: Map<number, ActiveRun>;
  /** Outcomes of handlers that have returned, written by the next flush. */
  outcomes: QueuedOutcome[];
}

/** What every part of the runner is handed. */
export interface RunnerShared {
  readonly db: AppDatabase;
  /** Epoch milliseconds (RunnerOptions.now). */
  readonly now: () => number;
  readonly state: RunnerState;
  /** Hands a fresh view to onRunChanged; a listener's failure is logged, never thrown into the queue. */
  announce(view: JobRunView): void;
  /** Views of rows a statement returned, with their business's name looked up once per business. */
  viewsOf(rows: readonly JobRunListRow[]): JobRunView[];
}
