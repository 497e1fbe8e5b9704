// Once per run: the app is built (out/), rebuilt only when a source is newer than the build.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as LaunchScripts from '../../scripts/launch.mjs';
import { REPO_ROOT } from './paths';

export default async function globalSetup(): Promise<void> {
  // The same staleness rule and build as `npm run serve`.
  const launch = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'launch.mjs')).href)) as typeof LaunchScripts;
  if (launch.buildIsStale()) {
    console.log('e2e: building the app (out/ is missing or older than the sources)…');
    launch.build();
  }
}
