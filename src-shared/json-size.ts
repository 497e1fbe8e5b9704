// How large and how deep a JSON value is, measured without recursion: a value nested thousands of levels deep (as a
// request may send) cannot overflow the stack here, as JSON.stringify would. Pure TypeScript.

/** Why `value` is refused as JSON of at most `maxChars` characters nested at most `maxDepth` levels, or null. */
export function jsonSizeProblem(value: unknown, maxChars: number, maxDepth: number): 'too_large' | 'too_deep' | null {
  let chars = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    const item = next.value;
    if (item !== null && typeof item === 'object') {
      if (next.depth >= maxDepth) return 'too_deep';
      if (Array.isArray(item)) {
        // [a,b,c]: brackets and commas; undefined items are written as null.
        chars += 2 + Math.max(0, item.length - 1);
        for (const element of item) stack.push({ value: element === undefined ? null : element, depth: next.depth + 1 });
      } else {
        const entries = Object.entries(item).filter(([, entry]) => entry !== undefined);
        chars += 2 + Math.max(0, entries.length - 1);
        for (const [key, entry] of entries) {
          chars += JSON.stringify(key).length + 1;
          stack.push({ value: entry, depth: next.depth + 1 });
        }
      }
    } else {
      chars += item === undefined ? 4 : (JSON.stringify(item)?.length ?? 4);
    }
    if (chars > maxChars) return 'too_large';
  }
  return null;
}
