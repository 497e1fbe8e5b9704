// Types of launch.mjs for the TypeScript that imports it (tests, Playwright's setup and fixtures).
import { type PlatformPath } from 'node:path';

export const root: string;
export function build(): void;
export function buildIsStale(): boolean;
export function pathFor(platform: NodeJS.Platform): PlatformPath;
export function electronExecutableName(platform: NodeJS.Platform): string;
export interface FileChecks {
  exists(file: string): boolean;
  read(file: string): string;
}
export type ElectronBinary = { binary: string; missing?: undefined } | { missing: string; binary?: undefined };
export function findElectronBinary(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, files?: FileChecks, projectRoot?: string): ElectronBinary;
export function electronEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function noSandboxReason(platform?: NodeJS.Platform, uid?: number, env?: NodeJS.ProcessEnv): string | null;
export interface ElectronViteRun {
  args: string[];
  env: NodeJS.ProcessEnv;
  notice: string | null;
}
export function electronViteRun(
  command: 'preview' | 'dev',
  binary: string,
  args: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; uid?: number },
): ElectronViteRun;
export function startElectron(command: 'preview' | 'dev', binary: string, args: readonly string[]): void;
export function startHttpShell(launchCommand: string): Promise<void>;
export function onPath(program: string, env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, exists?: (file: string) => boolean): boolean;
export type PlaywrightCommand = { command: string; args: string[]; missing?: undefined } | { missing: string; command?: undefined; args?: undefined };
export function playwrightCommand(
  args: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; hasProgram?: (program: string) => boolean },
): PlaywrightCommand;
