// How a count of things reads, in every surface (the app, the CLI, the adoption report).

/** "1 run", "2 runs", "1,234 businesses": the count with US digit grouping, then the noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
