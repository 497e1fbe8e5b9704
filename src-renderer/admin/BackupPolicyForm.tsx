// Admin › Backups' retention policy (system admins): how many backups are kept whatever their age, and for how many
// days every backup is kept; saved together (backups.setPolicy, audited).
import { setBackupPolicyInput, type BackupPolicy } from '../../src-shared/schemas/backups';
import { useSetBackupPolicy } from '../queries/admin';
import { SettingsForm, type SettingField } from './SettingsForm';

const FIELDS: readonly SettingField<keyof BackupPolicy>[] = [
  { key: 'keepLast', label: 'Backups kept', help: 'The newest backups kept whatever their age.', min: 1 },
  { key: 'keepDays', label: 'Days kept', help: 'Every backup younger than this is kept whatever their number; 0 keeps by count alone.', min: 0 },
];

export function BackupPolicyForm({ current, defaults }: { current: BackupPolicy; defaults: BackupPolicy }) {
  const save = useSetBackupPolicy();
  return (
    <SettingsForm
      group="policy"
      current={current}
      defaults={defaults}
      schema={setBackupPolicyInput}
      fields={FIELDS}
      save={(input, callbacks) => save.mutate(input as { policy: BackupPolicy }, callbacks)}
      saving={save.isPending}
      title="Retention policy"
      intro="Applied after every new backup and by Prune now. The backup an operation just made, and the newest backup of each schema version, are never removed."
      saveLabel="Save policy"
      savedText="Saved. The next backup and Prune now follow this policy."
      testIdPrefix="backup-policy"
      panelTestId="backup-policy"
    />
  );
}
