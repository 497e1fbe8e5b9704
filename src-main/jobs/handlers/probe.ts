// diagnostics.probe: waits in steps, reporting progress, and fails on request. For demos and runner tests.
import { setTimeout as delay } from 'node:timers/promises';
import type { PROBE, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

export type ProbeParams = ParamsOf<typeof PROBE>;

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
