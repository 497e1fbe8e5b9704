// The built renderer as static files: a request path mapped inside the root (never outside it, never a dot-file).
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { SECURITY_HEADERS, sendText } from './respond';

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

/** A GET or HEAD of a file under `staticRoot` (an absolute path); 404 for anything else. */
export async function serveStatic(staticRoot: string, req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
  const file = staticFilePath(staticRoot, rawPath);
  const stat = file ? await fs.stat(file).catch(() => null) : null;
  if (!file || !stat?.isFile()) return sendText(res, 404, 'Not found.');
  const body = await fs.readFile(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The file a request path names inside `root`, or null for anything that could step outside it or
 * into a hidden file: "..", ".", encoded slashes or backslashes, NUL bytes, dot-files.
 */
export function staticFilePath(root: string, rawPath: string): string | null {
  if (!rawPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const encoded of rawPath.slice(1).split('/')) {
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
