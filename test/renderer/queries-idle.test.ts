// Signing out waits for the reads under way (src-renderer/queries/auth.ts): the wait ends when the last one does, or
// at its limit when one never ends.
import { QueryClient } from '@tanstack/query-core';
import { afterEach, describe, expect, it } from 'vitest';
import { whenQueriesIdle } from '../../src-renderer/queries/idle';

const clients: QueryClient[] = [];
function queryClient(): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const client of clients.splice(0)) client.clear();
});

const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('waiting for the reads under way', () => {
  it('ends at once when nothing is fetching', async () => {
    const started = performance.now();
    await whenQueriesIdle(queryClient(), 5_000);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('ends when the last of several reads ends, not before and not at its limit', async () => {
    const client = queryClient();
    let ended = 0;
    void client.fetchQuery({ queryKey: ['a'], queryFn: () => after(30).then(() => ++ended) });
    void client.fetchQuery({ queryKey: ['b'], queryFn: () => after(120).then(() => ++ended) });
    const started = performance.now();
    await whenQueriesIdle(client, 5_000);
    expect(ended).toBe(2);
    expect(client.isFetching()).toBe(0);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('ends at its limit when a read never ends, that read still under way', async () => {
    const client = queryClient();
    // Cancelled when the test's client is cleared.
    const stuck = client.fetchQuery({ queryKey: ['stuck'], queryFn: () => new Promise<never>(() => {}) }).catch(() => 'cancelled');
    const started = performance.now();
    await whenQueriesIdle(client, 150);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(client.isFetching()).toBe(1);
    client.clear();
    expect(await stuck).toBe('cancelled');
  });
});
