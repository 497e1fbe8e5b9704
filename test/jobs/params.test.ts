import { describe, expect, it } from 'vitest';
import { jobTypeParamsJsonSchema, validateJobParams } from '../../src-main/jobs/catalog';
import { JOB_TYPES } from '../../src-main/jobs/registry';
import { countJobRuns, getJobRun, getJobTypes } from '../../src-main/history/runs';
import { createJobRun } from '../../src-main/lifecycle/runs';
import { jobTypeSchema } from '../../src-shared/schemas/jobs';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { refusedField } from '../helpers/refusals';


describe('job params', () => {
  it('fills in the defaults of each type', () => {
    expect(validateJobParams('diagnostics.probe', {})).toEqual({ durationMs: 2000, steps: 5, fail: false });
    expect(validateJobParams('diagnostics.probe', undefined)).toEqual({ durationMs: 2000, steps: 5, fail: false });
    expect(validateJobParams('runs.retention', { olderThanDays: 30 })).toEqual({ olderThanDays: 30, batchSize: 5000 });
    expect(validateJobParams('reports.monthly_usage', {})).toEqual({});
    expect(validateJobParams('maintenance.backup', {})).toEqual({});
  });

  it('a bad value is VALIDATION naming the field', () => {
    expect(() => validateJobParams('diagnostics.probe', { durationMs: 600_001 })).toThrow(refusedField('params.durationMs', 'Duration can be at most 600,000 ms.'));
    expect(() => validateJobParams('diagnostics.probe', { steps: 0 })).toThrow(refusedField('params.steps', 'Steps must be at least 1.'));
    expect(() => validateJobParams('diagnostics.probe', { fail: 'yes' })).toThrow(refusedField('params.fail', 'Fail at the end must be yes or no.'));
    expect(() => validateJobParams('runs.retention', { olderThanDays: 1.5 })).toThrow(refusedField('params.olderThanDays'));
    expect(() => validateJobParams('runs.retention', { olderThanDays: 3651 })).toThrow(refusedField('params.olderThanDays'));
    expect(() => validateJobParams('runs.retention', { batchSize: 99 })).toThrow(refusedField('params.batchSize', 'Batch size must be at least 100 runs.'));
    expect(() => validateJobParams('reports.monthly_usage', { month: '2024-13' })).toThrow(refusedField('params.month', 'Month must be a month from 1970-01 to 9999-12, such as 2026-03.'));
  });

  it('an unknown parameter is VALIDATION naming it, and an unknown type is VALIDATION', () => {
    expect(() => validateJobParams('maintenance.backup', { target: '/etc' })).toThrow(refusedField('params.target', '“target” is not a field this form knows.'));
    expect(() => validateJobParams('diagnostics.probe', { durationMs: -1, extra: 1 })).toThrow(
      refusedField('params.durationMs', 'Duration must be at least 0 ms.'),
    );
    expect(() => validateJobParams('no.such.type', {})).toThrow(refusedField('jobType', /^Job type "no\.such\.type" is not one this app knows/));
    expect(() => validateJobParams('diagnostics.probe', [])).toThrow(refusedField('params'));
  });

  it('each registered type publishes its params as JSON Schema, with defaults and bounds', () => {
    for (const type of JOB_TYPES) expect(jobTypeParamsJsonSchema(type.key)).toMatchObject({ type: 'object', additionalProperties: false });
    expect(jobTypeParamsJsonSchema('diagnostics.probe')).toMatchObject({
      properties: { durationMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 2000 }, fail: { type: 'boolean', default: false } },
    });
    expect(jobTypeParamsJsonSchema('runs.retention')).toMatchObject({
      properties: { olderThanDays: { minimum: 1, maximum: 3650 }, batchSize: { minimum: 100, maximum: 50_000, default: 5000 } },
    });
    expect(jobTypeParamsJsonSchema('nope')).toBeNull();
  });

  it('getJobTypes carries the params schema of registered types and null for others, as the contract says', async () => {
    const db = await createTestDatabase();
    seedRuns(db, { kind: 'system' }, 1, { jobType: 'legacy.cleanup' });
    const types = getJobTypes(db, { kind: 'all' });
    for (const type of types) expect(() => jobTypeSchema.parse(type)).not.toThrow();
    expect(types.find((type) => type.key === 'diagnostics.probe')?.paramsSchema).toEqual(jobTypeParamsJsonSchema('diagnostics.probe'));
    expect(types.find((type) => type.key === 'legacy.cleanup')?.paramsSchema).toBeNull();
  });
});

describe('creating a run validates its params', () => {
  it('stores the params with their defaults, and the schedule and retry links', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const first = createJobRun(db, { kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', trigger: 'manual', params: { steps: 2 } });
    expect(getJobRun(db, { kind: 'all' }, first.id).params).toEqual({ durationMs: 2000, steps: 2, fail: false });
    const retry = createJobRun(db, { kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', trigger: 'retry', retryOfRunId: first.id });
    expect(retry).toMatchObject({ trigger: 'retry', retryOfRunId: first.id, scheduleId: null });
  });

  it('bad params are VALIDATION naming the field, and nothing is written', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    expect(() =>
      createJobRun(db, { kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', trigger: 'manual', params: { durationMs: 'long' } }),
    ).toThrow(refusedField('params.durationMs', 'Duration must be a number.'));
    expect(() => createJobRun(db, { kind: 'system' }, { jobType: 'runs.retention', trigger: 'manual', params: { olderThanDays: 0 } })).toThrow(
      refusedField('params.olderThanDays'),
    );
    expect(countJobRuns(db, { kind: 'all' })).toBe(0);
  });
});
