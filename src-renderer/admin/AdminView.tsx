// The admin screens: businesses and users, schedules, audit log, usage metrics.
import type { SessionView } from '../../src-shared/schemas/accounts';
import type { Route } from '../lib/router';
import { PlaceholderView } from '../shell/PlaceholderView';

export function AdminView(_props: { session: SessionView; route: Extract<Route, { name: 'admin' }> }) {
  return (
    <PlaceholderView title="Administration" testId="admin-view">
      The admin screens are on their way.
    </PlaceholderView>
  );
}
