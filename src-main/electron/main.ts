// The Electron shell: lifecycle, one hardened window, and the contract bound to ipcMain. Everything else
// lives in the core (src-main/app-core.ts), which the HTTP shell shares. Sessions: one per window, kept
// here by webContents id; the session id never crosses to the renderer.
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, DEEP_LINK_IPC_CHANNEL, DESKTOP_CHANNELS, eventIpcChannel } from '../../src-shared/channels';
import { DEEP_LINK_SCHEME, deepLinkInArgv, deepLinkTarget } from '../../src-shared/deep-links';
import { errorEnvelope, type Envelope } from '../../src-shared/errors';
import { type AppCore, createAppCore } from '../app-core';
import { useNativeBinding } from '../db/connection';
import { privateFolder } from '../db/private-files';
import { createDesktopExports } from '../exports/save-copy';
import { INTERNAL_ERROR_MESSAGE } from '../ipc/dispatch';
import { isAllowedExternalUrl, isAppUrl } from '../security';
import { sessionHandle, type SessionSlot } from '../sessions';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, serveRendererOnAppProtocol } from './app-protocol';
import { runCliInApp } from './cli-app';
import { cliArguments } from './cli-mode';
import { electronSqliteBinding, missingElectronSqlite } from './native-sqlite';
import { closeBeforeQuit } from './quit';
import { launchRequest, otherDatabaseNotice } from './second-instance';
import { configureLog, log, logUnhandledErrors } from '../log';

const rendererRoot = path.join(__dirname, '../renderer');
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
/** The only page allowed to load in the window and to call the contract. */
const appUrl = devServerUrl ?? APP_PAGE_URL;

// Before ready, as Electron requires: app:// serves the built renderer (electron/app-protocol.ts).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Before anything else, so every later step (and what nothing catches) lands in the log file.
configureLog({ folder: app.getPath('logs') });
logUnhandledErrors();

let mainWindow: BrowserWindow | null = null;
/** webContents.id → the id of the session signed in in that window. */
const windowSessions = new Map<number, string>();

/** `<app> --cli <command> …`: the CLI, headless, before the lock is taken or a window made (electron/cli-mode.ts). */
const cliArgv = cliArguments(process.argv, process.defaultApp);
/** The database this launch opens, sent to the running app when another holds the lock (second-instance.ts). */
const thisLaunch = launchRequest(process.argv, process.env, app.getPath('userData'));
/** Where a link of the app sends the window once its page has loaded (a launch by a link, or one opened meanwhile). */
let pendingLink: string | null = deepLinkInArgv(process.argv);

if (cliArgv) {
  runCliInApp(cliArgv);
} else if (!app.requestSingleInstanceLock(thisLaunch)) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, _workingDirectory, additionalData) => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    const notice = otherDatabaseNotice(thisLaunch, additionalData);
    if (notice) void dialog.showMessageBox(mainWindow, notice);
    // Windows and Linux: a link opened while the app runs arrives as a second launch's argument.
    openLink(deepLinkInArgv(argv));
  });
  // macOS hands links over as open-url, also the one that launched the app (before it is ready).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(deepLinkTarget(url));
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}

function start(): void {
  let core: AppCore;
  try {
    const noAddon = missingElectronSqlite(app);
    if (noAddon) throw new Error(noAddon);
    // The user-data folder holds the database and the window's profile: for its owner only (db/private-files.ts).
    privateFolder(app.getPath('userData'));
    // Opening and migrating starts now; the window shows the startup screen until app.status answers.
    // Every connection of this process loads Electron's build of SQLite, not node_modules' (built for Node).
    const nativeBinding = electronSqliteBinding(app);
    useNativeBinding(nativeBinding);
    core = createAppCore({
      argv: process.argv,
      userDataDir: app.getPath('userData'),
      nativeBinding,
      checkOutput: !app.isPackaged,
    });
  } catch (error) {
    log.error('[startup] the app could not start:', error);
    dialog.showErrorBox('Automation Console', (error as Error).message);
    app.exit(2);
    return;
  }
  lockDownSession();
  if (!devServerUrl) serveRendererOnAppProtocol(protocol, rendererRoot);
  bindContract(core);
  core.sessions.onEnded((ended) => {
    for (const [contentsId, sessionId] of windowSessions) if (sessionId === ended.id) windowSessions.delete(contentsId);
  });

  closeBeforeQuit(app, () => core.close());
  registerLinkScheme();

  createWindow(core);
}

/** The app opens its links (automation-console://…): in development, through the Electron binary and this app's path. */
function registerLinkScheme(): void {
  const registered = process.defaultApp
    ? process.argv.length >= 2 && app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1]!)])
    : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  if (!registered) log.warn(`[startup] could not register as the handler of ${DEEP_LINK_SCHEME}:// links`);
}

/** Sends the window to a link's path (null: not a link of the app, nothing happens); before its page loads, once it has. */
function openLink(target: string | null): void {
  if (target === null) return;
  const contents = mainWindow?.webContents;
  if (!contents || contents.isLoading()) {
    pendingLink = target;
    return;
  }
  mainWindow?.show();
  contents.send(DEEP_LINK_IPC_CHANNEL, target);
}

function bindContract(core: AppCore): void {
  const call = (event: IpcMainInvokeEvent, channel: string, input: unknown) =>
    core.dispatcher.dispatch(channel, input, { shell: 'electron', session: sessionHandle(core.sessions, windowSlot(event.sender.id)) });
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => enveloped(channel, () => (isTrustedSender(event) ? call(event, channel, input) : untrusted())));
  }
  bindDesktopExports(call);
}

const untrusted = () => errorEnvelope('FORBIDDEN', 'Only the app’s own page may call it.');

/**
 * Every ipcMain.handle answers an envelope: the dispatcher never throws, and anything thrown around it (reading a
 * sender whose frame is gone, a dialog failing) is INTERNAL, logged, instead of a rejected promise in the renderer.
 */
async function enveloped<T>(what: string, work: () => Envelope<T> | Promise<Envelope<T>>): Promise<Envelope<T>> {
  try {
    return await work();
  } catch (error) {
    log.error(`[ipc] ${what} failed outside the dispatcher:`, error);
    return errorEnvelope('INTERNAL', INTERNAL_ERROR_MESSAGE);
  }
}

/** The save dialog and the file manager for exports (src-main/exports/save-copy.ts holds the rest). */
function bindDesktopExports(call: (event: IpcMainInvokeEvent, channel: string, input: unknown) => Promise<Envelope<unknown>>): void {
  const exports = createDesktopExports({
    chooseTarget: async (fileName) => {
      const options = { defaultPath: path.join(app.getPath('downloads'), fileName), filters: [{ name: 'CSV', extensions: ['csv'] }] };
      const chosen = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
    },
    reveal: (file) => shell.showItemInFolder(file),
  });
  ipcMain.handle(DESKTOP_CHANNELS.saveExport, (event, fileName: unknown) =>
    enveloped(DESKTOP_CHANNELS.saveExport, () => (isTrustedSender(event) ? exports.save(fileName, (input) => call(event, 'exports.download', input)) : untrusted())),
  );
  ipcMain.handle(DESKTOP_CHANNELS.showInFolder, (event, file: unknown) =>
    enveloped(DESKTOP_CHANNELS.showInFolder, () => (isTrustedSender(event) ? exports.showInFolder(file) : untrusted())),
  );
}

function windowSlot(contentsId: number): SessionSlot {
  return {
    read: () => windowSessions.get(contentsId) ?? null,
    write: (id) => {
      if (id === null) windowSessions.delete(contentsId);
      else windowSessions.set(contentsId, id);
    },
  };
}

/** The main frame of our window, showing our page: not an iframe, not a page it was navigated to. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    frame !== null &&
    frame.parent === null &&
    mainWindow !== null &&
    event.sender === mainWindow.webContents &&
    isAppUrl(frame.url, appUrl)
  );
}

function lockDownSession(): void {
  // The content security policy is a header of every answer: app:// (electron/app-protocol.ts), or the dev server's.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function hardenWebContents(contents: WebContents): void {
  const refuseForeignPage = (event: Electron.Event, url: string) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => refuseForeignPage(event, event.url));
  contents.on('will-redirect', (event) => refuseForeignPage(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function createWindow(core: AppCore): void {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Automation Console',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  mainWindow = window;
  const contents = window.webContents;
  const contentsId = contents.id;
  // Events reach this window only when its session may see them, judged as each is sent.
  const unsubscribe = core.subscribeSession(
    () => {
      const sessionId = windowSessions.get(contentsId);
      return sessionId === undefined ? null : core.sessions.peek(sessionId);
    },
    (event) => {
      if (!contents.isDestroyed()) contents.send(eventIpcChannel(event.name), event.payload);
    },
  );
  window.once('ready-to-show', () => window.show());
  contents.on('did-finish-load', () => {
    const target = pendingLink;
    pendingLink = null;
    if (target !== null) contents.send(DEEP_LINK_IPC_CHANNEL, target);
  });
  window.on('closed', () => {
    unsubscribe();
    const sessionId = windowSessions.get(contentsId);
    if (sessionId !== undefined) core.sessions.end(sessionId);
    windowSessions.delete(contentsId);
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appUrl);
}
