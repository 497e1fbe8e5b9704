// diagnostics.probe: waits in steps, reporting progress, and fails on request. For demos and runner tests.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { JobHandler } from '../context';

export const probeParams = z.strictObject({
  durationMs: z.number().int().min(0).max(600_000).default(2000),
  steps: z.number().int().min(1).max(100).default(5),
  fail: z.boolean().default(false),
  failMessage: z.string().min(1).max(500).optional(),
});
export type ProbeParams = z.output<typeof probeParams>;

export const runProbe: JobHandler<ProbeParams> = async (ctx, params, signal) => {
  const started = Date.now();
  const stepMs = params.durationMs / params.steps;
  ctx.reportProgress(0, `Step 0 of ${params.steps}`);
  for (let step = 1; step <= params.steps; step++) {
    await delay(stepMs, undefined, { signal });
    ctx.reportProgress(step / params.steps, `Step ${step} of ${params.steps}`);
  }
  if (params.fail) throw new Error(params.failMessage ?? 'The probe failed on request');
  return { steps: params.steps, durationMs: Date.now() - started };
};
