// Saved views (views.*) over both transports: whose views each caller may open, who may share with whom, that a view
// never widens what its opener sees, the default view, and refusals that name the field and write nothing.
import { describe, expect, it } from 'vitest';
import { type ContractClient, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { readAuditEvents } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

describe.each(TRANSPORTS)('saved views over %s', (transport) => {
  it('each caller opens their own views, their business’s shared ones and (system admins) the system admins’; sharing follows the role', async () => {
    const harness = await startHarness(transport, tempDbPath());
    try {
      const db = harness.db;
      const acme = insertBusiness(db, 'Acme');
      const globex = insertBusiness(db, 'Globex');
      const sign = async (role: 'member' | 'business_admin' | 'system_admin', businessId: number | null): Promise<ContractClient> => {
        const user = insertUser(db, { role, businessId });
        const client = harness.client();
        await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
        return client;
      };
      const [ann, acmeAdmin, gus, globexAdmin, root, otherRoot] = [
        await sign('member', acme),
        await sign('business_admin', acme),
        await sign('member', globex),
        await sign('business_admin', globex),
        await sign('system_admin', null),
        await sign('system_admin', null),
      ];
      const names = async (client: ContractClient) => (await client.value('views.list', {})).views.map((view) => view.name);

      // A view keeps the tag filters too (one `tag` per tag).
      const annsOwn = await ann.value('views.create', { name: 'My failures', query: 'status=failed&range=30d&tag=env%3Dprod&tag=team%3Dops', makeDefault: true });
      expect(annsOwn).toMatchObject({ sharing: 'personal', businessId: null, mine: true, scope: null, query: 'status=failed&range=30d&tag=env%3Dprod&tag=team%3Dops' });
      // A member shares with nobody: refused under the field, and nothing is written.
      const refused = await ann.call('views.create', { name: 'For everyone', sharing: 'business', query: '' });
      expect(refused.ok ? 'ok' : [refused.error.code, refused.error.fields?.map((field) => field.path)]).toEqual(['FORBIDDEN', ['sharing']]);
      const acmeShared = await acmeAdmin.value('views.create', { name: 'Acme slow runs', sharing: 'business', query: 'sort=durationMs:desc' });
      expect(acmeShared.businessId).toBe(acme);
      await globexAdmin.value('views.create', { name: 'Globex retries', sharing: 'business', query: 'trigger=retry' });
      const forAdmins = await root.value('views.create', { name: 'Acme from the switcher', sharing: 'system_admins', query: '', scope: { kind: 'business', businessId: acme } });
      const noAdmin = await acmeAdmin.call('views.create', { name: 'Up', sharing: 'system_admins', query: '' });
      expect(noAdmin.ok ? 'ok' : noAdmin.error.code).toBe('FORBIDDEN');

      expect(await names(ann)).toEqual(['Acme slow runs', 'My failures']);
      expect(await names(acmeAdmin)).toEqual(['Acme slow runs']);
      expect(await names(gus)).toEqual(['Globex retries']);
      expect(await names(otherRoot)).toEqual(['Acme from the switcher']);
      // The scope a view holds is a system admin's to open; nobody else is shown one, and theirs stays their business.
      expect((await otherRoot.value('views.list', {})).views[0]!.scope).toEqual({ kind: 'business', businessId: acme });
      expect((await ann.value('views.list', {})).defaultViewId).toBe(annsOwn.id);

      // Another's view: out of reach reads as missing; shared but not theirs cannot be changed or deleted.
      for (const [channel, input] of [
        ['views.delete', { id: forAdmins.id }],
        ['views.setDefault', { id: forAdmins.id }],
        ['views.update', { id: annsOwn.id, name: 'Mine now' }],
      ] as const) {
        const answer = await gus.call(channel, input as never);
        expect(answer.ok ? 'ok' : answer.error.code, channel).toBe('NOT_FOUND');
      }
      const notTheirs = await ann.call('views.delete', { id: acmeShared.id });
      expect(notTheirs.ok ? 'ok' : notTheirs.error.code).toBe('FORBIDDEN');
      expect(await names(acmeAdmin)).toEqual(['Acme slow runs']);

      // A view may hold only the Automation view's range, filters and sort: anything else is refused, naming it.
      for (const input of [{ name: 'X', query: 'businessId=2' }, { name: ' ', query: '' }]) {
        const wrong = await ann.call('views.create', input);
        expect(wrong.ok ? 'ok' : [wrong.error.code, wrong.error.fields?.[0]?.path], JSON.stringify(input)).toEqual(['VALIDATION', input.name === 'X' ? 'query' : 'name']);
      }

      await ann.value('views.update', { id: annsOwn.id, name: 'My failures, 30 days' });
      expect(await ann.value('views.delete', { id: annsOwn.id })).toEqual({ id: annsOwn.id });
      expect(await ann.value('views.list', {})).toMatchObject({ defaultViewId: null });
      expect(readAuditEvents(db).filter((event) => event.action.startsWith('view.')).map((event) => [event.action, event.businessId])).toEqual([
        ['view.create', null],
        ['view.create', acme],
        ['view.create', globex],
        ['view.create', null],
        ['view.update', null],
        ['view.delete', null],
      ]);
    } finally {
      await harness.close();
    }
  });
});
