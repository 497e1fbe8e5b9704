// auth.* and session.*: signing in and out, first setup, and the system admin's business switcher.
import { AppError } from '../../../src-shared/errors';
import { type SessionView } from '../../../src-shared/schemas/accounts';
import { checkScopeSelection, selectionAtSignIn, visibleSelection } from '../../access/policy';
import { getUserView, loadActor, login, needsSetup, setTimeDisplay, setupFirstAdmin, timeDisplayOf } from '../../accounts/accounts';
import { getBusiness } from '../../accounts/businesses';
import { recordAuditEvent, userAuditActor } from '../../audit/record';
import { type RequestContext, resolveSignedIn, type SignedIn } from '../access';
import { type ChannelDeps, type HandlersOf, publishTablesChanged } from './common';

export function authChannels({ db, sessions, events }: Pick<ChannelDeps, 'db' | 'sessions' | 'events'>): HandlersOf<'auth' | 'session'> {

  function sessionView({ session, actor }: Pick<SignedIn, 'session' | 'actor'>): SessionView {
    return {
      user: getUserView(db, actor.userId),
      scope: visibleSelection(actor, session.selection),
      businessDisabled: actor.businessDisabled,
      timeDisplay: timeDisplayOf(db, actor.userId),
    };
  }

  /** Sign-in and setup: a fresh session, whatever the caller had before. */
  function beginSession(context: RequestContext, userId: number): SessionView {
    const actor = loadActor(db, userId);
    if (!actor) throw new AppError('UNAUTHENTICATED', 'This account cannot sign in.');
    const session = context.session.begin(userId, selectionAtSignIn(actor));
    return sessionView({ session, actor });
  }

  return {
    'auth.status': (_input, context) => {
      let session: SessionView | null = null;
      try {
        session = sessionView(resolveSignedIn(db, sessions, context));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'UNAUTHENTICATED')) throw error;
      }
      return { needsSetup: needsSetup(db), session };
    },
    'auth.setup': async (input, context) => {
      const user = await setupFirstAdmin(db, input);
      publishTablesChanged(events, 'users');
      return beginSession(context, user.id);
    },
    'auth.login': async (input, context) => {
      const user = await login(db, input);
      return beginSession(context, user.id);
    },
    'auth.logout': (_input, { request }) => {
      request.session.end();
      return { ok: true };
    },
    'auth.setTimeDisplay': (input, caller) => {
      setTimeDisplay(db, caller.actor.userId, input.timeDisplay);
      return sessionView(caller);
    },
    'session.setScope': (input, caller) => {
      const { session, actor } = caller;
      const selection = checkScopeSelection(actor, input.scope, (id) => getBusiness(db, id) !== null);
      sessions.setSelection(session.id, selection);
      recordAuditEvent(db, {
        actor: userAuditActor(actor),
        action: 'scope.switch',
        target: selection.kind === 'business' ? { type: 'business', id: selection.businessId } : { type: 'scope', id: selection.kind },
        businessId: selection.kind === 'business' ? selection.businessId : null,
        details: { scope: selection },
      });
      return sessionView(caller);
    },
  };
}
