// Which orphans a change applies to: every orphan, or the ones selected in the check.
import { Radio, Stack } from '@mantine/core';
import { formatCount } from '../lib/format';

export type Scope = 'all' | 'selected';

export function ScopeChoice({ value, onChange, total, selectedCount }: { value: Scope; onChange(scope: Scope): void; total: number; selectedCount: number }) {
  return (
    <Radio.Group label="Which orphans" value={value} onChange={(next) => onChange(next === 'selected' ? 'selected' : 'all')} data-testid="orphans-scope">
      <Stack gap={6} mt={6}>
        <Radio value="all" label={`All orphans (${formatCount(total)} at the check)`} data-testid="orphans-scope-all" />
        <Radio
          value="selected"
          label={selectedCount === 0 ? 'The selected orphans (none selected)' : `The ${formatCount(selectedCount)} selected`}
          disabled={selectedCount === 0}
          data-testid="orphans-scope-selected"
        />
      </Stack>
    </Radio.Group>
  );
}
