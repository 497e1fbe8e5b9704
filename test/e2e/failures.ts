// The failure guard: every test's page (fixtures.ts) is watched for console errors, uncaught errors, answers of
// 400 or more and requests that got no answer; after the test body, any the test did not declare fails the test.
import { type ConsoleMessage, type Page, type Request } from '@playwright/test';

export interface ExpectedFailures {
  /**
   * Declares failures the test provokes on purpose: each reported line `pattern` matches is expected, and a
   * pattern that matches nothing fails the test (the declaration went stale). The lines read:
   * - `401 /api/auth.signIn`: an answer of 400 or more, and Chromium's console line for it (`… (console)`);
   * - `failed /api/jobs.list: net::ERR_CONNECTION_REFUSED`: no answer, and its console line (`… (console)`);
   * - `console: <text>`: any other console error; `pageerror: <message>`: an error nothing caught.
   * So one pattern on a path and status, like /^401 \/api\/auth\.signIn\b/, covers an answer and its console line.
   */
  allow(pattern: RegExp, why: string): void;
  /** Watches a further page (another user's window) like the test's own. */
  watch(page: Page): void;
}

interface Allowance {
  pattern: RegExp;
  why: string;
  seen: number;
}

const ABORTED = 'net::ERR_ABORTED';

/** Chromium's console line for a resource that failed, e.g. "Failed to load resource: the server responded with a status of 401 (Unauthorized)". */
const FAILED_RESOURCE = /^Failed to load resource: (?:the server responded with a status of (\d{3})|(net::\S+))/;

export class FailureGuard implements ExpectedFailures {
  private readonly allowances: Allowance[] = [];
  private readonly unexpected = new Map<string, number>();
  private bodyEnded = false;
  private watching = false;

  allow(pattern: RegExp, why: string): void {
    this.allowances.push({ pattern, why, seen: 0 });
  }

  watch(page: Page): void {
    this.watching = true;
    const leftBehind = trackDocuments(page);
    page.on('console', (message) => {
      if (message.type() === 'error') this.record(consoleLine(message));
    });
    page.on('pageerror', (error) => this.record(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) this.record(`${response.status()} ${pathOf(response.url())}`);
    });
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText ?? 'no answer';
      if (error === ABORTED && (leftBehind(request) || isEventStream(request))) return;
      this.record(`failed ${pathOf(request.url())}: ${error}`);
    });
  }

  /**
   * From now on nothing is recorded: the fixtures call this first thing after the test body, before they close its
   * pages and stop its app, which cuts whatever the page still had open (the event stream, a query in flight).
   */
  endBody(): void {
    this.bodyEnded = true;
  }

  /** What fails the test: undeclared failures, and declarations that matched nothing. Undefined when all is well. */
  verdict(): string | undefined {
    const lines = [...this.unexpected].map(([line, count]) => `  ${line}${count > 1 ? ` (×${count})` : ''}`);
    // Without a watched page (a test in Electron's window) nothing could be seen, so nothing went stale.
    const stale = (this.watching ? this.allowances : []).filter((allowance) => allowance.seen === 0).map(({ pattern, why }) => `  ${String(pattern)} (${why})`);
    const parts: string[] = [];
    if (lines.length > 0) parts.push(`The page reported failures this test did not declare (failures.allow(pattern, why) declares one):\n${lines.join('\n')}`);
    if (stale.length > 0) parts.push(`Declared failures that never happened:\n${stale.join('\n')}`);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }

  private record(line: string): void {
    if (this.bodyEnded) return;
    const allowance = this.allowances.find(({ pattern }) => pattern.test(line));
    if (allowance) allowance.seen += 1;
    else this.unexpected.set(line, (this.unexpected.get(line) ?? 0) + 1);
  }
}

function consoleLine(message: ConsoleMessage): string {
  const failed = FAILED_RESOURCE.exec(message.text());
  const url = message.location().url;
  if (failed && url) return failed[1] ? `${failed[1]} ${pathOf(url)} (console)` : `failed ${pathOf(url)}: ${failed[2]} (console)`;
  return `console: ${message.text()}`;
}

/**
 * Whether an aborted request was cut by the page loading another document (the test's goto or reload), not by the
 * app. The old document keeps making requests after the new one is asked for, until it commits (framenavigated),
 * and Chromium aborts those still open then: so a request counts as left behind while a load is under way, or
 * once a document committed after it was made.
 */
function trackDocuments(page: Page): (request: Request) => boolean {
  const isLoad = (request: Request) => request.isNavigationRequest() && request.frame() === page.mainFrame();
  const documentOf = new WeakMap<Request, number>();
  let committed = 0;
  let loading = false;
  page.on('request', (request) => {
    if (isLoad(request)) loading = true;
    else documentOf.set(request, committed);
  });
  page.on('requestfailed', (request) => {
    if (isLoad(request)) loading = false;
  });
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame() || !loading) return; // a hash route changes no document
    committed += 1;
    loading = false;
  });
  return (request) => !isLoad(request) && (loading || (documentOf.get(request) ?? committed) < committed);
}

/**
 * The renderer reads the session's events (/api/events) over one fetch that never ends by itself, and aborts it when
 * the session changes or its last listener goes: that is the stream's normal end. The renderer aborts no other
 * request; the stream ending any other way (reset, refused) still counts.
 */
function isEventStream(request: Request): boolean {
  return pathOf(request.url()) === '/api/events';
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}
