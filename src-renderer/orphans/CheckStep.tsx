// Step 1: what the database holds (runs per business, system-wide, orphans) and the orphan list to select from.
import { Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { type UseQueryResult } from '@tanstack/react-query';
import { type RunsOverviewView } from '../../src-shared/schemas/orphans';
import { plural } from '../../src-shared/text';
import { formatCount } from '../lib/format';
import { errorMessage } from '../queries/client';
import { OrphanList } from './OrphanList';
import { type Picked } from './orphan-selection';


type CheckQuery = UseQueryResult<RunsOverviewView>;

interface Props {
  check: CheckQuery;
  picked: Picked;
  onPick(picked: Picked): void;
  selectedCount: number;
  onSuggest(): void;
  onAssign(): void;
  onDelete(): void;
}

export function CheckStep({ check, picked, onPick, selectedCount, onSuggest, onAssign, onDelete }: Props) {
  const orphans = check.data?.orphans ?? 0;
  return (
    <Stack gap="md">
      <CheckSummary check={check} testId="orphans-check" />
      {check.data && (
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Group justify="space-between" align="center">
              <Title order={3} size="h4">
                Orphans
              </Title>
              <Group gap="sm">
                <Text size="sm" c="dimmed" data-testid="orphans-selected-count">
                  {picked.mode === 'all' ? `All ${formatCount(orphans)} orphans selected` : `${formatCount(selectedCount)} selected`}
                </Text>
                <Button variant="light" onClick={onSuggest} disabled={orphans === 0} data-testid="orphans-suggested-start">
                  Suggested assignments…
                </Button>
                <Button onClick={onAssign} disabled={orphans === 0} data-testid="orphans-assign-start">
                  Assign…
                </Button>
                <Button color="red" variant="light" onClick={onDelete} disabled={orphans === 0} data-testid="orphans-delete-start">
                  Delete…
                </Button>
              </Group>
            </Group>
            {orphans === 0 ? (
              <Text c="dimmed" data-testid="orphans-none">
                There are no orphaned runs: every run belongs to a business or is system-wide.
              </Text>
            ) : (
              <OrphanList picked={picked} onPick={onPick} />
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

/** The counts of the check; under "Done" the same, refreshed, with what changed since `before`. */
export function CheckSummary({ check, before, testId }: { check: CheckQuery; before?: RunsOverviewView | undefined; testId: string }) {
  const data = check.data;
  const loaded = data !== undefined && !check.isFetching;
  return (
    <Paper withBorder p="md" data-testid={testId} data-state={loaded ? 'loaded' : 'loading'}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {before ? 'Re-check' : 'Check'}
          </Title>
          {check.isFetching && <Loader size="xs" />}
        </Group>
        {check.isError && !data && <Text c="red">{errorMessage(check.error)}</Text>}
        {!data && check.isPending && <Text c="dimmed">Counting runs…</Text>}
        {data && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Stat label="Orphaned runs" value={data.orphans} previous={before?.orphans} testId="orphans-count" warn={data.orphans > 0} />
              <Stat label="System-wide runs" value={data.systemRuns} previous={before?.systemRuns} testId="orphans-system-count" />
              <Stat
                label="Runs in businesses"
                value={data.businesses.reduce((sum, business) => sum + business.runs, 0)}
                previous={before?.businesses.reduce((sum, business) => sum + business.runs, 0)}
                testId="orphans-business-total"
              />
            </SimpleGrid>
            <BusinessRuns data={data} before={before} />
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Stat({ label, value, previous, testId, warn }: { label: string; value: number; previous?: number | undefined; testId: string; warn?: boolean }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={warn ? 'yellow.8' : undefined} data-testid={testId}>
        {formatCount(value)}
      </Text>
      {previous !== undefined && previous !== value && (
        <Text size="xs" c="dimmed">
          was {formatCount(previous)}
        </Text>
      )}
    </Paper>
  );
}

/** The businesses that have runs, with what changed since `before`; one line for the rest. */
function BusinessRuns({ data, before }: { data: RunsOverviewView; before: RunsOverviewView | undefined }) {
  const previousRuns = new Map((before?.businesses ?? []).map((business) => [business.id, business.runs]));
  return (
    <>
      {data.businesses.length > 0 && (
        <Table striped withTableBorder data-testid="orphans-businesses">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Business</Table.Th>
              <Table.Th ta="right">Runs</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.businesses.map((business) => {
              // A business missing from the check before had no runs then.
              const delta = before ? business.runs - (previousRuns.get(business.id) ?? 0) : 0;
              return (
                <Table.Tr key={business.id} data-testid={`orphans-business-row-${business.id}`}>
                  <Table.Td>
                    {business.name}{' '}
                    {business.disabled && (
                      <Badge size="xs" color="gray" variant="light">
                        disabled
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <span data-testid={`orphans-business-runs-${business.id}`}>{formatCount(business.runs)}</span>
                    {delta !== 0 && (
                      <Text span size="xs" c={delta > 0 ? 'teal' : 'red'} ml={6}>
                        ({delta > 0 ? '+' : '−'}
                        {formatCount(Math.abs(delta))})
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <BusinessesWithoutRuns withRuns={data.businesses.length} withoutRuns={data.businessesWithoutRuns} />
    </>
  );
}

/** One line for the businesses the table leaves out, instead of a row of zeros each. */
function BusinessesWithoutRuns({ withRuns, withoutRuns }: { withRuns: number; withoutRuns: number }) {
  const text =
    withRuns + withoutRuns === 0
      ? 'There are no businesses yet.'
      : withoutRuns === 0
        ? null
        : withRuns === 0
          ? `None of the ${plural(withoutRuns, 'business', 'businesses')} has runs.`
          : `${withoutRuns === 1 ? '1 other business has' : `${formatCount(withoutRuns)} other businesses have`} no runs.`;
  if (text === null) return null;
  return (
    <Text size="sm" c="dimmed" data-testid="orphans-businesses-without-runs">
      {text}
    </Text>
  );
}
