// What to offer, read from the access matrix in src-shared. Main still decides every request.
import { reachOf } from '../../src-shared/access';
import { isRetryableStatus } from '../../src-shared/domain';
import { type SessionView, type UserView } from '../../src-shared/schemas/accounts';
import { type JobRunView, type JobTypeView } from '../../src-shared/schemas/jobs';

export function mayControlRun(user: UserView, run: Pick<JobRunView, 'businessId' | 'triggeredByUserId'>): boolean {
  switch (reachOf(user.role, 'runs.control')) {
    case 'any':
      return true;
    case 'own_business':
      return user.businessId !== null && run.businessId === user.businessId;
    case 'own_triggered':
      return user.businessId !== null && run.businessId === user.businessId && run.triggeredByUserId === user.id;
    default:
      return false;
  }
}

export const isCancellable = (run: Pick<JobRunView, 'status'>) => run.status === 'pending' || run.status === 'running';
/** Main retries failed, cancelled or unfinished runs that still have a business (or are system-wide). */
export const isRetryable = (run: Pick<JobRunView, 'status' | 'scope' | 'businessId'>) =>
  isRetryableStatus(run.status) && (run.scope === 'system' || run.businessId !== null);

/** Why a signed-in member or business admin has nothing to work in (every tenant channel would refuse), or null. */
export function noAccessReason(session: SessionView): 'no_business' | 'business_disabled' | null {
  if (session.user.role === 'system_admin') return null;
  if (session.scope === null) return 'no_business';
  return session.businessDisabled ? 'business_disabled' : null;
}

export function mayTrigger(user: UserView): boolean {
  return reachOf(user.role, 'runs.trigger') !== null;
}

/** Saved views: anyone who works in a business, and system admins (views.use). */
export function mayUseViews(user: UserView): boolean {
  return reachOf(user.role, 'views.use') !== null && (user.role === 'system_admin' || user.businessId !== null);
}

/** The job types a user is offered to run or schedule: registered ones, and system-only ones to system admins alone. */
export function mayRunType(user: UserView, type: Pick<JobTypeView, 'registered' | 'scope'>): boolean {
  return type.registered && (user.role === 'system_admin' || type.scope !== 'system');
}
