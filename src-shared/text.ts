// How a count of things and a size read, in every surface (the app, the CLI, the adoption report, main's messages).

/** "1 run", "2 runs", "1,234 businesses": the count with US digit grouping, then the noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** "512 B", "1.5 KiB", "340.2 MiB", "1.2 GiB", "3.0 TiB": a size in bytes as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
