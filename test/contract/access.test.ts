// Access is declared per channel in the contract and enforced by the dispatcher before any handler: every channel
// declares it, the declarations say today's rules, and a caller below a channel's level is refused without its
// handler ever running (the handlers here only record that they were called).
import { describe, expect, it } from 'vitest';
import { createAccessGate, type InTenant, type SignedIn } from '../../src-main/ipc/access';
import { createDispatcher } from '../../src-main/ipc/dispatch';
import { type ContractHandlers } from '../../src-main/ipc/channels';
import { createSessionStore, sessionHandle } from '../../src-main/sessions';
import { ACCESS_MATRIX, type ChannelAccess, isChannelAccess } from '../../src-shared/access';
import { CHANNELS, type Channel } from '../../src-shared/channels';
import { contract } from '../../src-shared/contract';
import { type UserRole } from '../../src-shared/domain';
import { VALID_INPUTS } from '../helpers/contract-cases';
import { insertUser } from '../helpers/contract-data';
import { createTestDatabase, seedBusiness } from '../helpers/seed';

// Type-level: a channel without a declaration does not compile (ChannelSpec requires `access`), and neither does
// this line if one channel's `access` is missing or is not a ChannelAccess.
const accessOf = (channel: Channel): ChannelAccess => contract[channel].access;

/**
 * Today's rules, written out once more as the promise a reader checks: the lowest caller each channel admits
 * (with a business that is enabled, where their role needs one).
 */
const LOWEST_CALLER: Record<Channel, 'anyone' | 'signed in' | UserRole> = {
  'app.status': 'anyone',
  'auth.status': 'anyone',
  'auth.setup': 'anyone',
  'auth.login': 'anyone',
  'auth.logout': 'signed in',
  'auth.setTimeDisplay': 'signed in',
  'session.setScope': 'system_admin',
  'businesses.list': 'business_admin',
  'businesses.create': 'system_admin',
  'businesses.rename': 'system_admin',
  'businesses.setDisabled': 'system_admin',
  'businesses.previewDisable': 'system_admin',
  'businesses.previewDelete': 'system_admin',
  'businesses.delete': 'system_admin',
  'users.list': 'business_admin',
  'users.create': 'business_admin',
  'users.update': 'business_admin',
  'users.setDisabled': 'business_admin',
  'users.setPassword': 'business_admin',
  'users.delete': 'business_admin',
  'jobs.list': 'member',
  'jobs.stats': 'member',
  'jobs.recent': 'member',
  'jobs.active': 'member',
  'jobs.types': 'member',
  'jobs.get': 'member',
  'jobs.create': 'member',
  'jobs.previewRetention': 'member',
  'jobs.cancel': 'member',
  'jobs.retry': 'member',
  'jobs.auditTrail': 'member',
  'jobs.bulkPreview': 'member',
  'jobs.bulkCancel': 'member',
  'jobs.bulkRetry': 'member',
  'jobs.exportCsv': 'member',
  'orphans.check': 'system_admin',
  'orphans.list': 'system_admin',
  'orphans.previewDelete': 'system_admin',
  'orphans.delete': 'system_admin',
  'orphans.previewAssign': 'system_admin',
  'orphans.assign': 'system_admin',
  'orphans.suggestions': 'system_admin',
  'orphans.assignSuggested': 'system_admin',
  'schedules.list': 'member',
  'schedules.create': 'business_admin',
  'schedules.update': 'business_admin',
  'schedules.setEnabled': 'business_admin',
  'schedules.delete': 'business_admin',
  'schedules.previewCron': 'signed in',
  'views.list': 'member',
  'views.create': 'member',
  'views.update': 'member',
  'views.delete': 'member',
  'views.setDefault': 'member',
  'audit.list': 'business_admin',
  'metrics.usage': 'member',
  'metrics.exportCsv': 'member',
  'exports.download': 'signed in',
  'limits.get': 'system_admin',
  'limits.set': 'system_admin',
  'backups.list': 'system_admin',
  'backups.verify': 'system_admin',
  'backups.prune': 'system_admin',
  'backups.policy': 'system_admin',
  'backups.setPolicy': 'system_admin',
  'backups.restorePreview': 'system_admin',
  'backups.restore': 'system_admin',
};
/** The channels that work in the session's tenant scope: runs, schedules, usage (not the cron preview: no tenant data). */
const TENANT = CHANNELS.filter((channel) => /^(jobs|schedules|metrics)\./.test(channel) && channel !== 'schedules.previewCron');

describe('every channel declares who may call it', () => {
  it.each(CHANNELS)('%s has an access declaration the dispatcher understands', (channel) => {
    expect(isChannelAccess(accessOf(channel)), JSON.stringify(accessOf(channel))).toBe(true);
  });

  it('the declarations say today’s rules: the lowest caller each channel admits, and which ones read a tenant scope', () => {
    const lowest = (access: ChannelAccess) => {
      if (access.who === 'anyone') return 'anyone';
      if (access.who === 'signed_in') return 'signed in';
      const row = ACCESS_MATRIX[access.who];
      return (['member', 'business_admin', 'system_admin'] as const).find((role) => row[role] !== null);
    };
    expect(Object.fromEntries(CHANNELS.map((channel) => [channel, lowest(accessOf(channel))]))).toEqual(LOWEST_CALLER);
    expect(CHANNELS.filter((channel) => accessOf(channel).tenant === 'scope')).toEqual(TENANT);
  });
});

/** Everyone who can knock: signed out, a user disabled since signing in, and each role with and without an enabled business. */
const CALLERS = [
  'signed out',
  'disabled user',
  'member',
  'member without a business',
  'member of a disabled business',
  'business_admin',
  'business_admin without a business',
  'business_admin of a disabled business',
  'system_admin',
] as const;
type CallerName = (typeof CALLERS)[number];

/** What the gate must answer, from the declaration alone. */
function expected(access: ChannelAccess, caller: CallerName): { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: RegExp } | 'admitted' {
  if (access.who === 'anyone') return 'admitted';
  if (caller === 'signed out' || caller === 'disabled user') return { code: 'UNAUTHENTICATED', message: /session/ };
  if (access.who === 'signed_in') return 'admitted';
  const role = caller.split(' ')[0] as UserRole;
  const reach = ACCESS_MATRIX[access.who][role];
  const noBusiness = { code: 'FORBIDDEN' as const, message: /not linked to a business/ };
  const disabled = { code: 'FORBIDDEN' as const, message: /business has been disabled/ };
  const mayNot = { code: 'FORBIDDEN' as const, message: new RegExp(`may not do this \\(${access.who.replace('.', '\\.')}\\)`) };
  // A tenant channel says first that the caller has no business to work in; other channels say first what the role may not do.
  const businessFirst = access.tenant === 'scope' && reach !== 'any';
  if (reach === null && !businessFirst) return mayNot;
  if (reach !== 'any' && caller.endsWith('without a business')) return noBusiness;
  if (reach !== 'any' && caller.endsWith('of a disabled business')) return disabled;
  return reach === null ? mayNot : 'admitted';
}

async function world() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' }).id;
  const closed = seedBusiness(db, { name: 'Closed', disabled: true }).id;
  const userIds: Record<Exclude<CallerName, 'signed out'>, number> = {
    'disabled user': insertUser(db, { role: 'business_admin', businessId: acme, disabled: true }).id,
    member: insertUser(db, { role: 'member', businessId: acme }).id,
    'member without a business': insertUser(db, { role: 'member', businessId: null }).id,
    'member of a disabled business': insertUser(db, { role: 'member', businessId: closed }).id,
    business_admin: insertUser(db, { role: 'business_admin', businessId: acme }).id,
    'business_admin without a business': insertUser(db, { role: 'business_admin', businessId: null }).id,
    'business_admin of a disabled business': insertUser(db, { role: 'business_admin', businessId: closed }).id,
    system_admin: insertUser(db, { role: 'system_admin', businessId: null }).id,
  };
  const sessions = createSessionStore();
  const calls: { channel: Channel; context: unknown }[] = [];
  const recordingHandlers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      (_input: unknown, context: unknown) => {
        calls.push({ channel, context });
        return null;
      },
    ]),
  ) as unknown as ContractHandlers;
  const dispatcher = createDispatcher(contract, recordingHandlers, createAccessGate(db, sessions), { checkOutput: false });
  const contextOf = (caller: CallerName) => {
    let id = caller === 'signed out' ? null : sessions.begin(userIds[caller], null).id;
    return { shell: 'http' as const, session: sessionHandle(sessions, { read: () => id, write: (next) => (id = next) }) };
  };
  return { acme, userIds, calls, dispatcher, contextOf };
}

describe('the dispatcher refuses a caller below a channel’s declared access before its handler runs', () => {
  it.each(CHANNELS)('%s', async (channel) => {
    const { acme, userIds, calls, dispatcher, contextOf } = await world();
    const access = accessOf(channel);
    for (const caller of CALLERS) {
      calls.length = 0;
      const envelope = await dispatcher.dispatch(channel, VALID_INPUTS[channel], contextOf(caller));
      const want = expected(access, caller);
      if (want === 'admitted') {
        expect(envelope, `${channel} for ${caller}`).toEqual({ ok: true, value: null });
        expect(calls, `${channel} for ${caller}`).toHaveLength(1);
        const context = calls[0]!.context;
        if (access.who === 'anyone') continue;
        expect((context as SignedIn).actor.userId, `${channel} for ${caller}: who was admitted`).toBe(userIds[caller as Exclude<CallerName, 'signed out'>]);
        if (access.tenant === 'scope') {
          const scope = caller === 'system_admin' ? { kind: 'all' } : { kind: 'business', businessId: acme };
          expect((context as InTenant).scope, `${channel} for ${caller}: the scope`).toEqual(scope);
        }
      } else {
        expect(envelope, `${channel} for ${caller}`).toEqual({ ok: false, error: { code: want.code, message: expect.stringMatching(want.message) } });
        expect(calls, `${channel} for ${caller}: the handler never ran`).toEqual([]);
      }
    }
  });
});
