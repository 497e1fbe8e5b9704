// A path the operator needs elsewhere (a file manager, a terminal, a message to support): shown whole, with a
// button that copies it.
import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';

export function CopyablePath({ path, testId }: { path: string; testId: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => setCopied((await copyText(path)) ? 'yes' : 'failed');
  return (
    <div>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <code className="copyable-path" data-testid={testId}>
          {path}
        </code>
        <Button size="compact-xs" variant="default" onClick={() => void copy()} data-testid={`${testId}-copy`} data-copied={copied}>
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
