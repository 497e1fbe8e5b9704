// businesses.* and users.*: the accounts a system or business admin manages. Every change tells system admins'
// renderers which tables to read again; a user disabled, deleted or given a new password is signed out.
import {
  createBusinessAs,
  deleteBusiness,
  listBusinessViews,
  previewBusinessDeletion,
  previewBusinessDisable,
  renameBusiness,
  setBusinessDisabled,
} from '../../accounts/businesses';
import { createUser, deleteUser, listUsers, setUserDisabled, setUserPassword, updateUser } from '../../accounts/users';
import { type ChannelDeps, type HandlersOf, publishTablesChanged } from './common';

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
      return business;
    },
    'businesses.setDisabled': (input, { actor }) => {
      const business = setBusinessDisabled(db, actor, input);
      publishTablesChanged(events, 'businesses');
      return business;
    },
    'businesses.previewDisable': (input, { actor }) => previewBusinessDisable(db, actor, input),
    'businesses.previewDelete': (input, { actor }) => previewBusinessDeletion(db, actor, input),
    'businesses.delete': async (input, { actor }) => {
      const deletion = await deleteBusiness(db, actor, input);
      publishTablesChanged(events, 'businesses', 'users', 'job_runs', 'job_schedules');
      return deletion;
    },
  };
}

export function userChannels({ db, sessions, events }: Pick<ChannelDeps, 'db' | 'sessions' | 'events'>): HandlersOf<'users'> {
  return {
    'users.list': (_input, { actor }) => listUsers(db, actor),
    'users.create': async (input, { actor }) => {
      const user = await createUser(db, actor, input);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.update': (input, { actor }) => {
      const user = updateUser(db, actor, input);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.setDisabled': (input, { actor }) => {
      const user = setUserDisabled(db, actor, input);
      if (user.disabled) sessions.endAllForUser(user.id);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.setPassword': async (input, { session, actor }) => {
      const user = await setUserPassword(db, actor, input);
      // A new password signs the account out everywhere, except the window that set its own password.
      sessions.endAllForUser(user.id, session.id);
      publishTablesChanged(events, 'users');
      return user;
    },
    'users.delete': (input, { actor }) => {
      const deleted = deleteUser(db, actor, input);
      sessions.endAllForUser(deleted.id);
      publishTablesChanged(events, 'users');
      return deleted;
    },
  };
}
