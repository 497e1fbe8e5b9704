// A typed confirmation before a change that cannot be undone by a click: the phrase to type, and the field it is typed
// in (it says so once the text can no longer become the phrase). The orphan delete and the restore of a backup.
import { Code, Stack, Text, TextInput } from '@mantine/core';

export function PhraseInput({ phrase, typed, onType, testIds }: { phrase: string; typed: string; onType(text: string): void; testIds: { phrase: string; input: string } }) {
  return (
    <Stack gap={6}>
      <Text size="sm">
        To confirm, type <Code data-testid={testIds.phrase}>{phrase}</Code> exactly:
      </Text>
      <TextInput
        aria-label="Confirmation phrase"
        value={typed}
        onChange={(e) => onType(e.currentTarget.value)}
        placeholder={phrase}
        autoComplete="off"
        error={typed !== '' && !phrase.startsWith(typed) ? 'That is not the phrase' : undefined}
        data-testid={testIds.input}
      />
    </Stack>
  );
}
