// The messages between the main thread and a read worker (pool.ts, worker.ts): structured-cloned, so plain data.
import { type ErrorCode, type FieldIssue } from '../../src-shared/errors';
import { type KeptWindowRow } from '../stats/kept-windows';
import { type ReadCaller, type ReadName } from './queries';

export interface ReadWorkerData {
  /** The app's database file, opened read-only. */
  file: string;
  nativeBinding?: string;
  /** This thread takes long reads: it runs below normal priority where the platform allows. */
  belowNormalPriority: boolean;
  /** What it serves ('any': both kinds, the pool's only thread): the reads it warms up as it starts (worker.ts). */
  lane: 'short' | 'long' | 'any';
}

export interface ReadRequest {
  id: number;
  name: ReadName;
  caller: ReadCaller;
  input: unknown;
}

/** An AppError as it was thrown (rebuilt on the main thread); rollups still to count; anything else, logged as INTERNAL. */
export type ReadFailure =
  | { kind: 'app'; code: ErrorCode; message: string; fields?: readonly FieldIssue[]; details?: unknown }
  | { kind: 'uncounted' }
  | { kind: 'internal'; message: string; stack?: string };

/** `keep`: what the read computed for the file (the stats' windows of settled days), which the main thread writes. */
export type ReadAnswer = { id: number; ok: true; value: unknown; keep?: KeptWindowRow[] } | { id: number; ok: false; error: ReadFailure };
