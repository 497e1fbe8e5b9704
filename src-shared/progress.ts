/** Progress of a long operation (migration, adoption, backup, bulk change), for a terminal or a screen. */
export interface TaskProgress {
  /** What is happening now, as a person reads it: "Backing up", "Copying runs". */
  phase: string;
  done: number;
  total: number;
}

export type ProgressListener = (progress: TaskProgress) => void;
