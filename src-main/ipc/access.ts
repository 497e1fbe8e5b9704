// The gate the dispatcher runs before every handler: it resolves the caller's session to the Actor (loaded fresh
// from the database), refuses a caller below the channel's declared access (ChannelAccess, src-shared/access.ts),
// and resolves the tenant scope for the channels that declare one. Handlers receive what was checked.
import { type Action } from '../../src-shared/access';
import { AppError } from '../../src-shared/errors';
import { type ScopeSelection } from '../../src-shared/schemas/accounts';
import { type TenantScope } from '../../src-shared/tenancy';
import { activeSelection, type Actor, requireReach, tenantScopeFor } from '../access/policy';
import { type AppDatabase } from '../db/connection';
import { loadActor } from '../accounts/accounts';
import { getBusiness } from '../accounts/businesses';
import { type Session, type SessionHandle, type SessionStore } from '../sessions';
import { type AccessGate } from './dispatch';

/** Who is calling: the shell, and its handle on the caller's session. Never a user or tenant named by the renderer. */
export interface RequestContext {
  shell: 'electron' | 'http';
  session: SessionHandle;
}

/** A signed-in caller, as the gate admitted them: the session and who its user is now. */
export interface SignedIn {
  request: RequestContext;
  session: Session;
  actor: Actor;
}

/** A caller of a tenant channel: also the scope they work in, and the switcher selection it came from. */
export interface InTenant extends SignedIn {
  scope: TenantScope;
  selection: ScopeSelection;
}

export type RequestGate = AccessGate<RequestContext, SignedIn, InTenant>;

/** The caller's session and who they are now: a disabled or deleted user's session ends here. UNAUTHENTICATED without one. */
export function resolveSignedIn(db: AppDatabase, sessions: SessionStore, request: RequestContext): SignedIn {
  const session = request.session.current();
  if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in first: there is no session, or it has ended.');
  const actor = loadActor(db, session.userId);
  if (!actor) {
    request.session.end();
    throw new AppError('UNAUTHENTICATED', 'Your account is disabled or no longer exists, so your session has ended.');
  }
  // A switcher left on a business deleted since (in this window, another, or the CLI) falls back to all businesses.
  const selection = session.selection;
  if (selection?.kind === 'business' && getBusiness(db, selection.businessId) === null) sessions.setSelection(session.id, { kind: 'all' });
  return { request, session, actor };
}

/** The gate over an open database. */
export function createAccessGate(db: AppDatabase, sessions: SessionStore): RequestGate {
  return {
    signedIn(who: 'signed_in' | Action, request: RequestContext): SignedIn {
      const caller = resolveSignedIn(db, sessions, request);
      if (who !== 'signed_in') requireReach(caller.actor, who);
      return caller;
    },
    inTenant(who: Action, request: RequestContext): InTenant {
      const caller = resolveSignedIn(db, sessions, request);
      // Without a business (or with a disabled one) the refusal says so, before the role's reach is asked.
      const selection = activeSelection(caller.actor, caller.session.selection);
      return { ...caller, selection, scope: tenantScopeFor(caller.actor, selection, who) };
    },
  };
}
