// The orphan wizards (system admins): Check → Delete or Assign → Done.
import type { SessionView } from '../../src-shared/schemas/accounts';
import type { Route } from '../lib/router';
import { PlaceholderView } from '../shell/PlaceholderView';

export function OrphansView(_props: { session: SessionView; route: Extract<Route, { name: 'orphans' }> }) {
  return (
    <PlaceholderView title="Orphaned runs" testId="orphans-view">
      The orphan wizards are on their way. Until then, use the CLI: `check`, `assign-orphans`, `delete-orphans`.
    </PlaceholderView>
  );
}
