// Waiting for the reads under way to end, as the query cache tells it (no polling).

/** What the wait reads of a query client (@tanstack's QueryClient). */
export interface QueryActivity {
  isFetching(): number;
  getQueryCache(): { subscribe(listener: () => void): () => void };
}

/** Resolves once no query of `queries` is fetching, or after `ms` whatever is still under way. */
export function whenQueriesIdle(queries: QueryActivity, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    // The cache tells every change of a query's fetch status; a query that ends is one of them.
    const unsubscribe = queries.getQueryCache().subscribe(() => {
      if (queries.isFetching() === 0) done();
    });
    const timer = setTimeout(done, ms);
    if (queries.isFetching() === 0) done();
  });
}
