// businesses.* and users.*: the accounts a system or business admin manages. Every change tells system admins'
// renderers which tables to read again, and each user whose own access it changed (account.changed); a user
// disabled, deleted or given a new password is signed out.
import {
  createBusinessAs,
  deleteBusiness,
  listBusinessViews,
  previewBusinessDeletion,
  previewBusinessDisable,
  renameBusiness,
  setBusinessDisabled,
} from '../../accounts/businesses';
import { listUsers } from '../../accounts/user-list';
import { createUser, deleteUser, setUserDisabled, setUserPassword, updateUser, userIdsInBusiness } from '../../accounts/users';
import { type ChannelDeps, type HandlersOf, publishAccountsChanged, publishTablesChanged } from './common';

export function businessChannels({ db, events }: Pick<ChannelDeps, 'db' | 'events'>): HandlersOf<'businesses'> {
  return {
    'businesses.list': (_input, { actor }) => listBusinessViews(db, actor),
    'businesses.create': (input, { actor }) => {
      const business = createBusinessAs(db, actor, input);
      publishTablesChanged(events, 'businesses');
      return business;
    },
    'businesses.rename': (input, { actor }) => {
      const business = renameBusiness(db, actor, input);
      publishTablesChanged(events, 'businesses');
      publishAccountsChanged(events, userIdsInBusiness(db, business.id));
      return business;
    },
    'businesses.setDisabled': (input, { actor }) => {
      const business = setBusinessDisabled(db, actor, input);
      publishTablesChanged(events, 'businesses');
      publishAccountsChanged(events, userIdsInBusiness(db, business.id));
      return business;
    },
    'businesses.previewDisable': (input, { actor }) => previewBusinessDisable(db, actor, input),
    'businesses.previewDelete': (input, { actor }) => previewBusinessDeletion(db, actor, input),
    'businesses.delete': async (input, { actor }) => {
      // Its users are left without a business by the delete: who they were is read first.
      const members = userIdsInBusiness(db, input.id);
      const deletion = await deleteBusiness(db, actor, input);
      publishTablesChanged(events, 'businesses', 'users', 'job_runs', 'job_schedules');
      publishAccountsChanged(events, members);
      return deletion;
    },
  };
}

export function userChannels({ db, sessions, events }: Pick<ChannelDeps, 'db' | 'sessions' | 'events'>): HandlersOf<'users'> {
  return {
    'users.list': (input, { actor }) => listUsers(db, actor, input),
    'users.create': async (input, { actor }) => {
      const user = await createUser(db, actor, input);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.update': (input, { actor }) => {
      const user = updateUser(db, actor, input);
      publishTablesChanged(events, 'users');
      publishAccountsChanged(events, [user.id]);
      return user;
    },
    'users.setDisabled': (input, { actor }) => {
      const user = setUserDisabled(db, actor, input);
      publishAccountsChanged(events, [user.id]);
      if (user.disabled) sessions.endAllForUser(user.id);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.setPassword': async (input, { session, actor }) => {
      const user = await setUserPassword(db, actor, input);
      // A new password signs the account out everywhere, except the window that set its own password.
      publishAccountsChanged(events, [user.id]);
      sessions.endAllForUser(user.id, session.id);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.delete': (input, { actor }) => {
      const deleted = deleteUser(db, actor, input);
      publishAccountsChanged(events, [deleted.id]);
      sessions.endAllForUser(deleted.id);
      publishTablesChanged(events, 'users');
      return deleted;
    },
  };
}
