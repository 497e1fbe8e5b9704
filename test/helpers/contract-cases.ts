// Inputs for every channel: one valid input each, and the malformed ones derived from it (wrong types,
// unknown fields, 1 MB strings, bad limits, not an object at all) plus each channel's own traps.
import { CHANNELS, type Channel } from '../../src-shared/channels';
import { type ChannelInput } from '../../src-shared/contract';

export const VALID_INPUTS: { [C in Channel]: ChannelInput<C> } = {
  'app.status': {},
  'auth.status': {},
  'auth.setup': { email: 'first-admin@example.test', password: 'a long enough password' },
  'auth.login': { email: 'nobody@example.test', password: 'whatever' },
  'auth.logout': {},
  'auth.setTimeDisplay': { timeDisplay: 'utc' },
  'session.setScope': { scope: { kind: 'all' } },
  'businesses.list': {},
  'businesses.create': { name: 'A new business' },
  'businesses.rename': { id: 1, name: 'Renamed' },
  'businesses.setDisabled': { id: 1, disabled: true },
  'businesses.previewDisable': { id: 1 },
  'businesses.previewDelete': { id: 1 },
  'businesses.delete': { id: 1, confirmName: 'Business', expectedRuns: 0 },
  'users.list': { filters: { search: 'ann', role: 'member' }, limit: 10 },
  'users.create': { email: 'new-user@example.test', password: 'a long enough password', role: 'member', businessId: null },
  'users.update': { id: 1, displayName: 'Someone' },
  'users.setDisabled': { id: 1, disabled: true },
  'users.setPassword': { id: 1, password: 'a long enough password' },
  'users.delete': { id: 1 },
  'jobs.list': { limit: 10 },
  'jobs.stats': { from: 0, to: 86_400_000 },
  'jobs.recent': { limit: 5 },
  'jobs.active': { limit: 5 },
  'jobs.types': {},
  'jobs.get': { id: 1 },
  'jobs.create': { jobType: 'diagnostics.probe', target: { kind: 'system' } },
  'jobs.previewRetention': { olderThanDays: 30 },
  'jobs.cancel': { id: 1 },
  'jobs.retry': { id: 1 },
  'jobs.auditTrail': { id: 1 },
  'jobs.bulkPreview': { action: 'cancel', selection: { kind: 'filter', filters: { statuses: ['running'] } } },
  'jobs.bulkCancel': { selection: { kind: 'ids', ids: [1] }, expectedEligible: 0 },
  'jobs.bulkRetry': { selection: { kind: 'ids', ids: [1] }, expectedEligible: 0 },
  'jobs.exportCsv': { selection: { kind: 'filter', filters: { statuses: ['completed'] } } },
  'orphans.check': { newestLimit: 5 },
  'orphans.list': { limit: 10 },
  'orphans.previewDelete': { selection: { kind: 'ids', ids: [1] } },
  'orphans.delete': { selection: { kind: 'ids', ids: [1] }, expectedCount: 0, confirmation: 'delete 0 orphans' },
  'orphans.previewAssign': { businessId: 1, selection: { kind: 'all' } },
  'orphans.assign': { businessId: 1, selection: { kind: 'all' }, expectedCount: 0 },
  'orphans.suggestions': { previewLimit: 3 },
  'orphans.assignSuggested': { groups: [{ businessId: 1, reason: 'triggering_user', expectedCount: 0 }] },
  'schedules.list': {},
  'schedules.create': { name: 'Nightly probe', jobType: 'diagnostics.probe', cron: '0 3 * * *', timeZone: 'Europe/Berlin' },
  'schedules.update': { id: 1, name: 'Renamed' },
  'schedules.setEnabled': { id: 1, enabled: false },
  'schedules.delete': { id: 1 },
  'schedules.previewCron': { cron: '0 3 * * *', timeZone: 'UTC', count: 3 },
  'views.list': {},
  'views.create': { name: 'Failed this week', query: 'status=failed' },
  'views.update': { id: 1, name: 'Renamed' },
  'views.delete': { id: 1 },
  'views.setDefault': { id: null },
  'audit.list': { limit: 10 },
  'metrics.usage': { fromMonth: '2026-01', toMonth: '2026-03' },
  'metrics.exportCsv': { fromMonth: '2026-01', toMonth: '2026-03' },
  'exports.download': { fileName: 'runs-all-20260304T050607089Z.csv' },
  'limits.get': {},
  'limits.set': { limits: { pendingPerBusiness: 200, runningPerBusiness: 2, triggersPerMinutePerUser: 30 } },
  'backups.list': {},
  'backups.verify': { name: 'job-2026-01-01T00-00-00-000Z.db' },
  'backups.prune': { mode: 'preview' },
  'backups.policy': {},
  'backups.setPolicy': { policy: { keepLast: 5, keepDays: 3 } },
  'backups.restorePreview': { backup: 'automation.db.before-delete-orphans.2026-03-04T05-06-07-089Z.backup' },
  'backups.restore': {
    backup: 'automation.db.before-delete-orphans.2026-03-04T05-06-07-089Z.backup',
    confirmation: 'restore automation.db.before-delete-orphans.2026-03-04T05-06-07-089Z.backup',
  },
};

/**
 * The tenant channels: FORBIDDEN to a member or business admin without a business. The cron preview reads no
 * tenant data, so it is not one.
 */
export const TENANT_CHANNELS = CHANNELS.filter(
  (channel) => /^(jobs|schedules|audit|metrics)\./.test(channel) && channel !== 'schedules.previewCron',
);
/** Channels for system administrators only: FORBIDDEN to every member and business admin, with or without a business. */
export const SYSTEM_ADMIN_CHANNELS = CHANNELS.filter(
  (channel) => channel.startsWith('orphans.') || channel.startsWith('limits.') || channel.startsWith('backups.'),
);
export const PUBLIC_CHANNELS: readonly Channel[] = ['app.status', 'auth.status', 'auth.setup', 'auth.login'];

/** Just under the HTTP shell's 1 MiB body limit once in JSON, so the schema (not the shell) refuses it. */
export const HUGE_STRING = 'x'.repeat(1_000_000);

export interface MalformedCase {
  why: string;
  input: unknown;
}

const ZERO_INVALID = new Set(['id', 'limit', 'businessId', 'newestLimit']);
/** Fields where null is a valid value (users.update clears a display name with it). */
const NULL_VALID: Partial<Record<Channel, string[]>> = { 'users.update': ['displayName', 'businessId'] };

function badValues(key: string, value: unknown): unknown[] {
  if (value === null) return ['1', -1, 0, 1.5, {}];
  switch (typeof value) {
    case 'string':
      return [12345, HUGE_STRING, null, ['x']];
    case 'number':
      return [-1, 1.5, 1e300, String(value), null, ...(ZERO_INVALID.has(key) ? [0] : [])];
    case 'boolean':
      return ['true', 1, null];
    default:
      return ['x', 42, null, []];
  }
}

const CHANNEL_TRAPS: Partial<Record<Channel, MalformedCase[]>> = {
  'auth.login': [
    { why: 'no password', input: { email: 'someone@example.test' } },
    { why: 'an email that is not one', input: { email: 'not an email', password: 'x' } },
    { why: 'an empty password', input: { email: 'someone@example.test', password: '' } },
  ],
  'auth.setup': [{ why: 'a short password', input: { email: 'first-admin@example.test', password: 'short' } }],
  'session.setScope': [
    { why: 'a business without its id', input: { scope: { kind: 'business' } } },
    { why: 'business id 0', input: { scope: { kind: 'business', businessId: 0 } } },
    { why: 'an unknown kind', input: { scope: { kind: 'everything' } } },
    { why: 'an extra field in the scope', input: { scope: { kind: 'all', businessId: 1 } } },
  ],
  'businesses.create': [
    { why: 'a blank name', input: { name: '   ' } },
    // SQLite's length() stops at a NUL: this one passed the schema and broke the not-blank check into a 500.
    { why: 'a name that is a NUL', input: { name: '\u0000' } },
    { why: 'a name with a line break', input: { name: 'Acme\nCorp' } },
  ],
  'businesses.rename': [{ why: 'a name with a NUL', input: { id: 1, name: '\u0000Acme' } }],
  'schedules.create': [{ why: 'a name with a tab', input: { ...VALID_INPUTS['schedules.create'], name: 'Nightly\tprobe' } }],
  'users.create': [
    { why: 'an unknown role', input: { ...VALID_INPUTS['users.create'], role: 'owner' } },
    { why: 'no business field', input: { email: 'x@example.test', password: 'a long enough password', role: 'member' } },
  ],
  'users.update': [{ why: 'an unknown role', input: { id: 1, role: 'root' } }],
  'users.list': [
    { why: 'limit 0', input: { limit: 0 } },
    { why: 'limit above the page maximum', input: { limit: 201 } },
    { why: 'an unknown role filter', input: { filters: { role: 'owner' } } },
    { why: 'business id 0 in the filters', input: { filters: { businessId: 0 } } },
    { why: 'a 1 MB search', input: { filters: { search: HUGE_STRING } } },
    { why: 'an unknown filter', input: { filters: { tenantId: 2 } } },
    { why: 'a cursor that is not one', input: { cursor: 'not-a-cursor' } },
  ],
  'audit.list': [
    { why: 'a target id without its type', input: { filters: { targetId: '1' } } },
    { why: 'an unknown target type', input: { filters: { targetType: 'password' } } },
    { why: 'actor id 0', input: { filters: { actorUserId: 0 } } },
  ],
  'exports.download': [
    { why: 'a path out of the exports folder', input: { fileName: '../automation.db' } },
    { why: 'a name the app never gives an export', input: { fileName: 'automation.db' } },
  ],
  'backups.verify': [{ why: 'a path instead of a file name', input: { name: '../automation.db' } }],
  'backups.setPolicy': [
    { why: 'keeping no backup', input: { policy: { keepLast: 0, keepDays: 3 } } },
    { why: 'a negative age', input: { policy: { keepLast: 5, keepDays: -1 } } },
  ],
  'backups.prune': [{ why: 'an unknown mode', input: { mode: 'everything' } }],
  'limits.set': [
    { why: 'a limit of 0', input: { limits: { pendingPerBusiness: 0, runningPerBusiness: 2, triggersPerMinutePerUser: 30 } } },
    { why: 'a limit missing', input: { limits: { pendingPerBusiness: 10, runningPerBusiness: 2 } } },
    { why: 'a limit above the most', input: { limits: { pendingPerBusiness: 10, runningPerBusiness: 2, triggersPerMinutePerUser: 100_001 } } },
  ],
  'backups.restore': [
    { why: 'a path instead of a name', input: { backup: '../automation.db', confirmation: 'restore ../automation.db' } },
    { why: 'the wrong confirmation', input: { backup: 'automation-2026-03-01T02-00-00-000Z.db', confirmation: 'restore' } },
  ],
  'jobs.list': [
    { why: 'limit 0', input: { limit: 0 } },
    { why: 'limit above the page maximum', input: { limit: 201 } },
    { why: 'an unknown status filter', input: { filters: { statuses: ['exploded'] } } },
    { why: 'a tenant field inside the filters', input: { filters: { tenantId: 2 } } },
    { why: 'business id 0 in the filters', input: { filters: { businessIds: [0] } } },
    { why: 'a 1 MB search', input: { filters: { search: HUGE_STRING } } },
    { why: 'an unknown sort field', input: { sort: { field: 'passwordHash', direction: 'asc' } } },
    { why: 'a cursor longer than any cursor', input: { cursor: 'x'.repeat(513) } },
    { why: 'a cursor that is not one', input: { cursor: 'not-a-cursor' } },
    { why: 'an empty triggered-by filter', input: { filters: { triggeredBy: '  ' } } },
    { why: 'a tag filter whose name is a SQL fragment', input: { filters: { tags: { "x' OR 1=1 --": 'y' } } } },
  ],
  'jobs.stats': [
    { why: 'from after to', input: { from: 2_000, to: 1_000 } },
    { why: 'a range over 366 days', input: { from: 0, to: 400 * 86_400_000 } },
    { why: 'a time zone that is not one', input: { from: 0, to: 1_000, timeZone: '../../etc' } },
    { why: 'no range', input: {} },
  ],
  'jobs.recent': [{ why: 'limit 0', input: { limit: 0 } }, { why: 'limit 51', input: { limit: 51 } }],
  'jobs.active': [{ why: 'limit 0', input: { limit: 0 } }, { why: 'a cursor that is not one', input: { cursor: '%%%' } }],
  'jobs.get': [{ why: 'no id', input: {} }],
  'jobs.create': [
    { why: 'an unknown job type', input: { jobType: 'rm.everything', target: { kind: 'system' } } },
    { why: 'a job type with spaces', input: { jobType: 'drop table', target: { kind: 'system' } } },
    { why: 'an orphan target', input: { jobType: 'diagnostics.probe', target: { kind: 'orphans' } } },
    { why: 'a business target without an id', input: { jobType: 'diagnostics.probe', target: { kind: 'business' } } },
    { why: 'params over 64 KiB', input: { jobType: 'diagnostics.probe', params: { blob: 'x'.repeat(70_000) }, target: { kind: 'system' } } },
    { why: 'params that are a list', input: { jobType: 'diagnostics.probe', params: [1, 2], target: { kind: 'system' } } },
    { why: 'a re-run of run 0', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, rerunOf: 0 } },
    { why: 'a re-run of a run named by text', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, rerunOf: '7' } },
    { why: 'a tag with a space in its name', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, tags: { 'the env': 'prod' } } },
    { why: 'a tag without a value', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, tags: { env: '' } } },
    { why: 'a tag whose value is a number', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, tags: { env: 1 } } },
    { why: 'eleven tags', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) } },
    { why: 'tags as a list', input: { jobType: 'diagnostics.probe', target: { kind: 'system' }, tags: ['env=prod'] } },
  ],
};

/** Selections every bulk channel refuses (ids or filters), keyed into a channel's valid input. */
function bulkSelectionTraps(valid: Record<string, unknown>): MalformedCase[] {
  return [
    { why: 'an empty id list', input: { ...valid, selection: { kind: 'ids', ids: [] } } },
    { why: 'more than 10,000 ids', input: { ...valid, selection: { kind: 'ids', ids: Array.from({ length: 10_001 }, (_, i) => i + 1) } } },
    { why: 'id 0 in the selection', input: { ...valid, selection: { kind: 'ids', ids: [0] } } },
    { why: 'an unknown selection kind', input: { ...valid, selection: { kind: 'everything' } } },
    { why: 'a filter selection without filters', input: { ...valid, selection: { kind: 'filter' } } },
    { why: 'a tenant field inside the filters', input: { ...valid, selection: { kind: 'filter', filters: { tenantId: 2 } } } },
    { why: 'an unknown status in the filters', input: { ...valid, selection: { kind: 'filter', filters: { statuses: ['exploded'] } } } },
    { why: 'a tag filter with a line break in its value', input: { ...valid, selection: { kind: 'filter', filters: { tags: { env: 'a\nb' } } } } },
    { why: 'ids and filters at once', input: { ...valid, selection: { kind: 'ids', ids: [1], filters: {} } } },
  ];
}

/** Selections every orphan channel refuses. */
function orphanSelectionTraps(valid: Record<string, unknown>): MalformedCase[] {
  return [
    { why: 'an empty id list', input: { ...valid, selection: { kind: 'ids', ids: [] } } },
    { why: 'more than 100,000 ids', input: { ...valid, selection: { kind: 'ids', ids: Array.from({ length: 100_001 }, (_, i) => i + 1) } } },
    { why: 'id 0 in the selection', input: { ...valid, selection: { kind: 'ids', ids: [0] } } },
    { why: 'a filter selection', input: { ...valid, selection: { kind: 'filter', filters: {} } } },
    { why: 'all with ids', input: { ...valid, selection: { kind: 'all', ids: [1] } } },
  ];
}

const BULK_AND_ORPHAN_TRAPS: Partial<Record<Channel, MalformedCase[]>> = {
  'jobs.bulkPreview': [
    ...bulkSelectionTraps(VALID_INPUTS['jobs.bulkPreview']),
    { why: 'an unknown action', input: { ...VALID_INPUTS['jobs.bulkPreview'], action: 'delete' } },
    { why: 'no action', input: { selection: VALID_INPUTS['jobs.bulkPreview'].selection } },
  ],
  'jobs.bulkCancel': [...bulkSelectionTraps(VALID_INPUTS['jobs.bulkCancel']), { why: 'no expected count', input: { selection: { kind: 'ids', ids: [1] } } }],
  'jobs.bulkRetry': [...bulkSelectionTraps(VALID_INPUTS['jobs.bulkRetry']), { why: 'no expected count', input: { selection: { kind: 'ids', ids: [1] } } }],
  'jobs.exportCsv': bulkSelectionTraps(VALID_INPUTS['jobs.exportCsv']),
  'orphans.check': [{ why: 'newestLimit 101', input: { newestLimit: 101 } }],
  'orphans.list': [
    { why: 'limit 201', input: { limit: 201 } },
    { why: 'a business filter (orphans have none)', input: { filters: { businessIds: [1] } } },
    { why: 'an unknown status filter', input: { filters: { statuses: ['exploded'] } } },
    { why: 'a cursor that is not one', input: { cursor: 'not-a-cursor' } },
    { why: 'a created range that ends before it starts', input: { filters: { createdFrom: 2_000, createdTo: 1_000 } } },
    { why: 'an empty triggered-by filter', input: { filters: { triggeredBy: '  ' } } },
    { why: 'a tag filter whose name is a SQL fragment', input: { filters: { tags: { "x' OR 1=1 --": 'y' } } } },
  ],
  'orphans.previewDelete': orphanSelectionTraps(VALID_INPUTS['orphans.previewDelete']),
  'orphans.delete': [
    ...orphanSelectionTraps(VALID_INPUTS['orphans.delete']),
    { why: 'no confirmation', input: { selection: { kind: 'all' }, expectedCount: 0 } },
    { why: 'a confirmation for another count', input: { selection: { kind: 'all' }, expectedCount: 3, confirmation: 'delete 2 orphans' } },
    { why: 'a confirmation in other words', input: { selection: { kind: 'all' }, expectedCount: 3, confirmation: 'yes' } },
    { why: 'a confirmation with another case', input: { selection: { kind: 'all' }, expectedCount: 3, confirmation: 'Delete 3 orphans' } },
    { why: 'a confirmation with a trailing space', input: { selection: { kind: 'all' }, expectedCount: 3, confirmation: 'delete 3 orphans ' } },
  ],
  'orphans.previewAssign': [...orphanSelectionTraps(VALID_INPUTS['orphans.previewAssign']), { why: 'no business', input: { selection: { kind: 'all' } } }],
  'orphans.assign': [
    ...orphanSelectionTraps(VALID_INPUTS['orphans.assign']),
    { why: 'no expected count', input: { businessId: 1, selection: { kind: 'all' } } },
  ],
  'orphans.suggestions': [{ why: 'previewLimit 21', input: { previewLimit: 21 } }],
  'orphans.assignSuggested': [
    { why: 'no groups', input: { groups: [] } },
    { why: 'an unknown reason', input: { groups: [{ businessId: 1, reason: 'a hunch', expectedCount: 0 }] } },
    { why: 'a group without expected count', input: { groups: [{ businessId: 1, reason: 'former_business' }] } },
    {
      why: 'the same group twice',
      input: { groups: [{ businessId: 1, reason: 'former_business', expectedCount: 1 }, { businessId: 1, reason: 'former_business', expectedCount: 1 }] },
    },
  ],
};

export function malformedInputs(channel: Channel): MalformedCase[] {
  const valid = VALID_INPUTS[channel] as Record<string, unknown>;
  const cases: MalformedCase[] = [
    { why: 'null', input: null },
    { why: 'a string', input: '{}' },
    { why: 'a 1 MB string', input: HUGE_STRING },
    { why: 'a number', input: 42 },
    { why: 'true', input: true },
    { why: 'an array', input: [valid] },
    { why: 'an unknown field', input: { ...valid, tenantId: 2 } },
    { why: 'a 1 MB unknown field name', input: { ...valid, [HUGE_STRING]: 1 } },
    { why: 'a prototype key', input: JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1, -1) || '"x": 1'}}`) },
  ];
  for (const [key, value] of Object.entries(valid)) {
    const nullValid = NULL_VALID[channel]?.includes(key) ?? false;
    for (const bad of badValues(key, value).filter((bad) => !(bad === null && nullValid))) cases.push({ why: `${key} = ${describe(bad)}`, input: { ...valid, [key]: bad } });
  }
  return [...cases, ...(CHANNEL_TRAPS[channel] ?? []), ...(BULK_AND_ORPHAN_TRAPS[channel] ?? [])];
}

function describe(value: unknown): string {
  if (typeof value === 'string' && value.length > 40) return `a ${value.length}-character string`;
  return JSON.stringify(value);
}
