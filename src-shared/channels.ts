// The names of the IPC contract, without its schemas: the preload imports only this, so it stays tiny.

/** Request channels, `domain.action`. contract.ts must define exactly these. */
export const CHANNELS = [
  'app.status',
  'auth.status',
  'auth.setup',
  'auth.login',
  'auth.logout',
  'auth.setTimeDisplay',
  'session.setScope',
  'businesses.list',
  'businesses.create',
  'businesses.rename',
  'businesses.setDisabled',
  'businesses.previewDisable',
  'businesses.previewDelete',
  'businesses.delete',
  'users.list',
  'users.create',
  'users.update',
  'users.setDisabled',
  'users.setPassword',
  'users.delete',
  'jobs.list',
  'jobs.stats',
  'jobs.recent',
  'jobs.active',
  'jobs.types',
  'jobs.get',
  'jobs.create',
  'jobs.previewRetention',
  'jobs.cancel',
  'jobs.retry',
  'jobs.auditTrail',
  'jobs.bulkPreview',
  'jobs.bulkCancel',
  'jobs.bulkRetry',
  'jobs.exportCsv',
  'orphans.check',
  'orphans.list',
  'orphans.previewDelete',
  'orphans.delete',
  'orphans.previewAssign',
  'orphans.assign',
  'orphans.suggestions',
  'orphans.assignSuggested',
  'schedules.list',
  'schedules.create',
  'schedules.update',
  'schedules.setEnabled',
  'schedules.delete',
  'schedules.previewCron',
  'views.list',
  'views.create',
  'views.update',
  'views.delete',
  'views.setDefault',
  'audit.list',
  'metrics.usage',
  'metrics.exportCsv',
  'exports.download',
  'limits.get',
  'limits.set',
  'backups.list',
  'backups.verify',
  'backups.prune',
  'backups.policy',
  'backups.setPolicy',
  'backups.restorePreview',
  'backups.restore',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** The HTTP shell's session header: a sign-in answers with the token in it, and every later call sends it. */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';
/** On every API answer of the HTTP shell: the command that started it, for the page to name if it loses the app. */
export const LAUNCH_COMMAND_HEADER = 'X-Launch-Command';

/**
 * The desktop app's own IPC, outside the contract: what only a desktop can do with an export (a save dialog, the
 * file manager). The browser shell downloads instead.
 */
export const DESKTOP_CHANNELS = { saveExport: 'desktop.saveExport', showInFolder: 'desktop.showInFolder' } as const;

/** What main sends the desktop window when a link of the app (src-shared/deep-links.ts) is opened: the path to go to. */
export const DEEP_LINK_IPC_CHANNEL = 'desktop.deepLink';

/** Events main pushes to the renderer. contract.ts defines each payload. */
export const APP_EVENTS = ['database.changed', 'jobs.changed', 'schedules.changed', 'account.changed'] as const;
export type AppEventName = (typeof APP_EVENTS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isAppEventName(value: unknown): value is AppEventName {
  return typeof value === 'string' && (APP_EVENTS as readonly string[]).includes(value);
}

/** The Electron IPC channel an event travels on; prefixed so it can never be mistaken for a request channel. */
export function eventIpcChannel(event: AppEventName): string {
  return `event:${event}`;
}
