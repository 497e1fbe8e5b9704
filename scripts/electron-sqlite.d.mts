// Types of electron-sqlite.mjs for the TypeScript that imports it (tests, the Electron fixture).
export function electronSqlitePath(electronVersion: string, platform?: NodeJS.Platform, arch?: string): string;
export type NodeGyp = { path: string; missing?: undefined } | { missing: string; path?: undefined };
export function findNodeGyp(env: NodeJS.ProcessEnv, execPath: string, platform: NodeJS.Platform, exists: (file: string) => boolean, projectRoot?: string): NodeGyp;
export function ensureElectronSqlite(arch?: string): string;
export function ensureElectronSqliteOrExit(arch?: string): string;
