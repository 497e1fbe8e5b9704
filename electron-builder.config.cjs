// electron-builder's configuration (docs/packaging.md). `npm run dist` / `npm run dist:dir` (scripts/dist.mjs) build
// with it after checking that every input is here; test/packaging/ holds its promises and validates it against
// electron-builder's own schema. Read from the environment when loaded:
// - AUTOMATION_E2E_BUILD=1: a build for the end-to-end tests, whose inspect-arguments fuse stays on so Playwright's
//   _electron can drive it, written to release/e2e/ so it is never mistaken for an installer to ship;
// - AUTOMATION_ELECTRON_DIST: an Electron to package instead of downloading one (an unpacked Electron, its zip, or a
//   folder holding electron-v<version>-<platform>-<arch>.zip).
/* global require, module, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file, loaded by electron-builder with require() */
const fs = require('node:fs');
const path = require('node:path');
const electronVersion = require('electron/package.json').version;
/** The SHA-256 of every file of this Electron release, shipped in the electron package: no SHASUMS256.txt is fetched. */
const electronChecksums = require('electron/checksums.json');
/* eslint-enable @typescript-eslint/no-require-imports */

const e2eBuild = process.env.AUTOMATION_E2E_BUILD === '1';
const electronDist = process.env.AUTOMATION_ELECTRON_DIST;

/** The better-sqlite3 addon built for Electron's ABI by scripts/electron-sqlite.mjs (`${arch}`: the target's). */
const electronSqliteAddon = `.native/electron-${electronVersion}-${process.platform}-\${arch}/better_sqlite3.node`;

module.exports = {
  appId: 'com.automationconsole.desktop',
  productName: 'Automation Console',
  // Its links (src-shared/deep-links.ts): the macOS bundle and the Linux desktop entry declare the scheme; Windows is
  // registered by the app itself at start (setAsDefaultProtocolClient in src-main/electron/main.ts).
  protocols: [{ name: 'Automation Console link', schemes: ['automation-console'] }],
  directories: { output: e2eBuild ? 'release/e2e' : 'release', buildResources: 'build' },
  artifactName: 'automation-console-${version}-${os}-${arch}.${ext}',

  // What goes into app.asar: the built app and package.json. electron-builder adds the production dependencies
  // itself (devDependencies never), and only the exclusions below apply to them.
  files: [
    'out/**',
    'package.json',
    '!**/*.map',
    // better-sqlite3's C sources, SQLite's amalgamation and its Node-ABI build: the app loads the Electron-ABI
    // addon from resources/native/ (extraResources below), through better-sqlite3's nativeBinding option.
    '!node_modules/better-sqlite3/{deps,src,build}{,/**}',
  ],
  asar: true,
  // Its JavaScript is required from the main thread and from the SQL and read worker threads: kept outside the archive.
  asarUnpack: ['node_modules/better-sqlite3/**'],
  extraResources: [
    // Only what the migration runner reads (drizzle-orm's readMigrationFiles): the journal and the SQL it names.
    { from: 'drizzle', to: 'drizzle', filter: ['*.sql', 'meta/_journal.json'] },
    { from: electronSqliteAddon, to: 'native/better_sqlite3.node' },
  ],

  // electron-builder only warns when an extraResources source is missing: a package without the addon cannot open any
  // database, so the build fails instead.
  afterPack: async (context) => {
    const addon = path.join(context.packager.getResourcesDir(context.appOutDir), 'native', 'better_sqlite3.node');
    if (!fs.existsSync(addon)) {
      throw new Error(`The package has no SQLite addon for Electron (${addon}): build it into .native/ first (npm run dist does).`);
    }
  },

  // node_modules is never rebuilt: it stays built for Node (npm test, the CLI, the HTTP shell).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,

  ...(electronDist ? { electronDist } : {}),
  electronDownload: { checksums: electronChecksums },

  electronFuses: {
    // No ELECTRON_RUN_AS_NODE: the CLI inside the app is `automation-console --cli <command>`.
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    // --inspect and SIGUSR1: only an end-to-end build keeps them, for Playwright's _electron.
    enableNodeCliInspectArguments: e2eBuild,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is served from the app's own protocol, not file://.
    grantFileProtocolExtraPrivileges: false,
  },

  linux: {
    target: ['AppImage', 'deb'],
    executableName: 'automation-console',
    category: 'Utility',
    synopsis: 'Background jobs of many businesses, watched and run from one desktop app',
  },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.business' },
};
