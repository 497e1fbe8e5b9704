// Which rows of an admin table show their details (the audit log's, usage's job types).
import { useState } from 'react';

/** The keys of the open rows, and a toggle that opens a closed row and closes an open one. */
export function useExpandedRows<K>(): [ReadonlySet<K>, (key: K) => void] {
  const [expanded, setExpanded] = useState<ReadonlySet<K>>(new Set());
  const toggle = (key: K) =>
    setExpanded((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return [expanded, toggle];
}
