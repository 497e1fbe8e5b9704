// A path the operator needs elsewhere (a file manager, a terminal, a message to support): shown whole, with a
// button that copies it.
import { Button, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';

/** A button's copy of `text`: whether it was copied (or could not be), back to 'no' when the text changes. */
export function useCopy(text: string): { copied: 'no' | 'yes' | 'failed'; copy(): void } {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  useEffect(() => setCopied('no'), [text]);
  return { copied, copy: () => void copyText(text).then((done) => setCopied(done ? 'yes' : 'failed')) };
}

export function CopyablePath({ path, testId }: { path: string; testId: string }) {
  const { copied, copy } = useCopy(path);
  return (
    <div>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <code className="copyable-path" data-testid={testId}>
          {path}
        </code>
        <Button size="compact-xs" variant="default" onClick={copy} data-testid={`${testId}-copy`} data-copied={copied}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </Group>
      {copied === 'failed' && (
        <Text size="xs" c="dimmed">
          The path could not be copied; select it and copy it.
        </Text>
      )}
    </div>
  );
}

/**
 * The Clipboard API first; then the copy command on a selected text, which needs no permission (the desktop app's
 * window grants none, so there the API is refused).
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } finally {
      area.remove();
    }
  }
}
