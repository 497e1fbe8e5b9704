// `npm run serve [-- --db PATH] [-- --port N]`: the app in the browser, through the loopback HTTP shell.
import console from 'node:console';
import { build, buildIsStale, startHttpShell } from './launch.mjs';

if (buildIsStale()) {
  console.log('Building the app (sources changed since the last build)…');
  build();
}
await startHttpShell('npm run serve');
