// The built renderer as static files, for GET and HEAD: src-main/renderer-files.ts decides the file and its headers.
import type http from 'node:http';
import { readRendererFile } from '../renderer-files';

/** A GET or HEAD of a file under `staticRoot` (an absolute path); 404 for anything else. */
export async function serveStatic(staticRoot: string, req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
  const answer = await readRendererFile(staticRoot, rawPath);
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': answer.body.length });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
