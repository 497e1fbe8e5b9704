// The built renderer as files, for both shells: where it is, which file a URL path names (never one outside its
// folder, never a dot-file), and the answer for that path, with its content type and the app's security headers.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SECURITY_HEADERS } from './security';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What a shell sends for a path: a file of the renderer (200) or "Not found." (404), headers included. */
export interface RendererFileAnswer {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer;
}

/** The answer for `urlPath` (a URL's path, still percent-encoded, without query or hash) under `root`. */
export async function readRendererFile(root: string, urlPath: string): Promise<RendererFileAnswer> {
  const file = rendererFilePath(root, urlPath);
  // Read through the module object at call time: Electron's asar support replaces fs.promises' functions.
  const stat = file ? await fs.stat(file).catch(() => null) : null;
  if (!file || !stat?.isFile()) return rendererNotFound();
  return {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(file), 'Cache-Control': 'no-cache' },
    body: await fs.readFile(file),
  };
}

/** 404, with the same headers as every other answer. */
export function rendererNotFound(): RendererFileAnswer {
  return {
    status: 404,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    body: Buffer.from('Not found.'),
  };
}

/** By extension; anything unknown is bytes, which nosniff keeps from running as script or style. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or null for anything that could step outside it or into a hidden file:
 * "..", ".", encoded slashes or backslashes, NUL bytes, a drive (":"), dot-files. "/" is index.html.
 */
export function rendererFilePath(root: string, urlPath: string): string | null {
  if (!urlPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const encoded of urlPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return null;
    }
    if (segment === '') continue;
    if (segment.startsWith('.') || /[/\\\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const file = path.join(root, ...segments);
  return file.startsWith(root + path.sep) ? file : null;
}

/** The built renderer: out/renderer beside this module's build output, or under a checkout's root. */
export function findRendererRoot(from: string = __dirname): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'renderer'), path.join(dir, 'out', 'renderer')]) {
      if (fsSync.existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    if (path.dirname(dir) === dir) return null;
  }
}
