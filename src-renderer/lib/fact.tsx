// One fact as a label over its value: a run's detail, a job type's figures.
import { Text } from '@mantine/core';
import { type ReactNode } from 'react';

/** `figure`: the value stands out (a count, a rate), as in a row of figures. */
export function Fact({ label, children, figure = false }: { label: string; children: ReactNode; figure?: boolean }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {figure ? <Text fw={600}>{children}</Text> : <Text size="sm">{children}</Text>}
    </div>
  );
}
