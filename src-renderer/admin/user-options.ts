// What the users screens offer in their selects: roles by who may grant them, businesses by who may place users.
import { USER_ROLES, type UserRole } from '../../src-shared/domain';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { useBusinesses } from '../queries/businesses';
import { ROLE_LABELS } from './common';

/** A select's value for "no business" (a user linked to none). */
export const NO_BUSINESS = 'none';

export const toBusinessId = (value: string | null) => (value === null || value === NO_BUSINESS ? null : Number(value));

/** System admins: every role; business admins: the roles they may grant. */
export function roleOptions(session: SessionView) {
  const roles: readonly UserRole[] = session.user.role === 'system_admin' ? USER_ROLES : ['business_admin', 'member'];
  return roles.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
}

/** The businesses a user may be in: any, or none (system admins), else only the admin's own. */
export function useBusinessOptions(session: SessionView) {
  const isSystemAdmin = session.user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin);
  if (!isSystemAdmin) {
    return session.user.businessId === null ? [] : [{ value: String(session.user.businessId), label: session.user.businessName ?? `Business ${session.user.businessId}` }];
  }
  return [{ value: NO_BUSINESS, label: 'No business' }, ...(businesses.data ?? []).map((business) => ({ value: String(business.id), label: business.name }))];
}
