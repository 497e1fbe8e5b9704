// The access matrix (docs/access.md), rule by rule, and as properties over every role and selection.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canControlRun,
  checkScopeSelection,
  defaultSelection,
  requireUserManagement,
  resolveRunTarget,
  tenantScopeFor,
  type Actor,
} from '../../src-main/access/policy';
import { USER_ROLES } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import type { ScopeSelection } from '../../src-shared/schemas/accounts';

const member: Actor = { userId: 1, email: 'm@a.test', role: 'member', businessId: 10, businessDisabled: false };
const businessAdmin: Actor = { userId: 2, email: 'ba@a.test', role: 'business_admin', businessId: 10, businessDisabled: false };
const systemAdmin: Actor = { userId: 3, email: 'sa@x.test', role: 'system_admin', businessId: null, businessDisabled: false };
const homeless = (role: Actor['role']): Actor => ({ userId: 9, email: 'x@x.test', role, businessId: null, businessDisabled: false });
const disabled = (actor: Actor): Actor => ({ ...actor, businessDisabled: true });

function codeOf(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

const selectionArb: fc.Arbitrary<ScopeSelection> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.constant({ kind: 'system' as const }),
  fc.constant({ kind: 'orphans' as const }),
  fc.integer({ min: 1, max: 50 }).map((businessId) => ({ kind: 'business' as const, businessId })),
);

describe('the tenant scope of a request', () => {
  it('a member or business admin always works in their own business, whatever the session claims', () => {
    fc.assert(
      fc.property(fc.constantFrom(member, businessAdmin), selectionArb, (actor, selection) => {
        expect(tenantScopeFor(actor, selection)).toEqual({ kind: 'business', businessId: 10 });
      }),
    );
  });

  it('a member or business admin without a business is refused (FORBIDDEN), never widened', () => {
    fc.assert(
      fc.property(fc.constantFrom('member', 'business_admin' as const), selectionArb, (role, selection) => {
        expect(codeOf(() => tenantScopeFor(homeless(role), selection))).toBe('FORBIDDEN');
        expect(codeOf(() => defaultSelection(homeless(role)))).toBe('FORBIDDEN');
      }),
    );
  });

  it('a member or business admin of a disabled business is refused until it is enabled again', () => {
    fc.assert(
      fc.property(fc.constantFrom(member, businessAdmin), selectionArb, (actor, selection) => {
        expect(codeOf(() => tenantScopeFor(disabled(actor), selection))).toBe('FORBIDDEN');
        expect(codeOf(() => resolveRunTarget(disabled(actor), selection, undefined))).toBe('FORBIDDEN');
        expect(canControlRun(disabled(actor), { scope: 'business', businessId: 10, triggeredByUserId: actor.userId })).toBe(false);
      }),
    );
    expect(() => tenantScopeFor(disabled(member), { kind: 'all' })).toThrow(/business has been disabled/);
    expect(tenantScopeFor(disabled({ ...systemAdmin, businessId: 10 }), { kind: 'all' })).toEqual({ kind: 'all' });
  });

  it('a system admin works in the switcher selection: all, one business, system-wide or orphans', () => {
    fc.assert(
      fc.property(selectionArb, (selection) => {
        expect(tenantScopeFor(systemAdmin, selection)).toEqual(selection);
      }),
    );
    expect(defaultSelection(systemAdmin)).toEqual({ kind: 'all' });
  });

  it('only a system admin may switch, and only to a business that exists', () => {
    const exists = (id: number) => id === 10;
    expect(checkScopeSelection(systemAdmin, { kind: 'business', businessId: 10 }, exists)).toEqual({ kind: 'business', businessId: 10 });
    expect(codeOf(() => checkScopeSelection(systemAdmin, { kind: 'business', businessId: 11 }, exists))).toBe('NOT_FOUND');
    for (const actor of [member, businessAdmin]) {
      expect(codeOf(() => checkScopeSelection(actor, { kind: 'all' }, exists))).toBe('FORBIDDEN');
    }
  });
});

describe('where a triggered run lands', () => {
  it('a member or business admin triggers only in their own business', () => {
    for (const actor of [member, businessAdmin]) {
      expect(resolveRunTarget(actor, { kind: 'all' }, undefined)).toEqual({ kind: 'business', businessId: 10 });
      expect(resolveRunTarget(actor, { kind: 'all' }, { kind: 'business', businessId: 10 })).toEqual({ kind: 'business', businessId: 10 });
      expect(codeOf(() => resolveRunTarget(actor, { kind: 'all' }, { kind: 'business', businessId: 11 }))).toBe('FORBIDDEN');
      expect(codeOf(() => resolveRunTarget(actor, { kind: 'all' }, { kind: 'system' }))).toBe('FORBIDDEN');
    }
    expect(codeOf(() => resolveRunTarget(homeless('member'), { kind: 'all' }, undefined))).toBe('FORBIDDEN');
  });

  it('a system admin’s run goes to the named target, else the switcher’s business, else their own, else system-wide', () => {
    expect(resolveRunTarget(systemAdmin, { kind: 'all' }, { kind: 'business', businessId: 7 })).toEqual({ kind: 'business', businessId: 7 });
    expect(resolveRunTarget(systemAdmin, { kind: 'business', businessId: 5 }, undefined)).toEqual({ kind: 'business', businessId: 5 });
    expect(resolveRunTarget({ ...systemAdmin, businessId: 4 }, { kind: 'all' }, undefined)).toEqual({ kind: 'business', businessId: 4 });
    expect(resolveRunTarget(systemAdmin, { kind: 'orphans' }, undefined)).toEqual({ kind: 'system' });
  });
});

describe('cancel and retry', () => {
  const run = (businessId: number | null, triggeredByUserId: number | null) =>
    ({ scope: businessId === null ? 'system' : 'business', businessId, triggeredByUserId }) as const;

  it('members control the runs they triggered, business admins their business’s, system admins any', () => {
    expect(canControlRun(member, run(10, member.userId))).toBe(true);
    expect(canControlRun(member, run(10, businessAdmin.userId))).toBe(false);
    expect(canControlRun(member, run(11, member.userId))).toBe(false);
    expect(canControlRun(businessAdmin, run(10, member.userId))).toBe(true);
    expect(canControlRun(businessAdmin, run(11, null))).toBe(false);
    expect(canControlRun(businessAdmin, run(null, null))).toBe(false);
    expect(canControlRun(systemAdmin, run(null, null))).toBe(true);
    expect(canControlRun(systemAdmin, run(11, 99))).toBe(true);
  });

  it('nobody without a business controls a business run unless they are a system admin', () => {
    for (const role of USER_ROLES) {
      expect(canControlRun(homeless(role), run(10, 9))).toBe(role === 'system_admin');
    }
  });
});

describe('managing users', () => {
  it('members manage nobody; business admins only their own business, never granting system admin', () => {
    expect(codeOf(() => requireUserManagement(member, null))).toBe('FORBIDDEN');
    expect(codeOf(() => requireUserManagement(businessAdmin, null, { businessId: 10, role: 'member' }))).toBeNull();
    expect(codeOf(() => requireUserManagement(businessAdmin, { businessId: 11, role: 'member' }))).toBe('FORBIDDEN');
    expect(codeOf(() => requireUserManagement(businessAdmin, { businessId: 10, role: 'member' }, { businessId: 11 }))).toBe('FORBIDDEN');
    expect(codeOf(() => requireUserManagement(businessAdmin, { businessId: 10, role: 'member' }, { role: 'system_admin' }))).toBe('FORBIDDEN');
    expect(codeOf(() => requireUserManagement(businessAdmin, { businessId: null, role: 'system_admin' }))).toBe('FORBIDDEN');
    expect(codeOf(() => requireUserManagement(systemAdmin, { businessId: 11, role: 'member' }, { role: 'system_admin' }))).toBeNull();
  });
});
