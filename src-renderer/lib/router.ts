// A tiny hash router: #/automation?status=failed, #/runs/42, #/orphans, #/job-types, #/compare/runs?a=1&b=2, #/admin/…
// The query of the hash is part of the route, so a filtered view can be bookmarked and restored.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'automation'; query: URLSearchParams }
  | { name: 'run'; id: number; query: URLSearchParams }
  | { name: 'orphans'; query: URLSearchParams }
  | { name: 'job_types'; query: URLSearchParams }
  | { name: 'compare'; what: 'periods' | 'runs'; query: URLSearchParams }
  | { name: 'admin'; section: string; query: URLSearchParams }
  | { name: 'not_found'; path: string; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0 || (parts[0] === 'automation' && parts.length === 1)) return { name: 'automation', query };
  if (parts[0] === 'runs' && parts.length === 2 && /^\d+$/.test(parts[1] ?? '')) return { name: 'run', id: Number(parts[1]), query };
  if (parts[0] === 'orphans' && parts.length === 1) return { name: 'orphans', query };
  if (parts[0] === 'job-types' && parts.length === 1) return { name: 'job_types', query };
  if (parts[0] === 'compare' && parts.length <= 2 && (parts[1] ?? 'periods') in COMPARE_PAGES) return { name: 'compare', what: (parts[1] ?? 'periods') as 'periods' | 'runs', query };
  if (parts[0] === 'admin') return { name: 'admin', section: parts.slice(1).join('/'), query };
  return { name: 'not_found', path, query };
}

const COMPARE_PAGES = { periods: true, runs: true } as const;

export function hrefFor(path: string, query?: URLSearchParams): string {
  const search = query?.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, query?: URLSearchParams, options: { replace?: boolean } = {}): void {
  const href = hrefFor(path, query);
  if (options.replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}
