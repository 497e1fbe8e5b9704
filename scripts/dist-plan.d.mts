// Types of scripts/dist-plan.mjs, for the tests that hold it (test/packaging/dist-plan.test.ts).
import type fs from 'node:fs';

export declare const DOWNLOADS_VARIABLE: 'AUTOMATION_DIST_DOWNLOADS';
export declare const ELECTRON_DIST_VARIABLE: 'AUTOMATION_ELECTRON_DIST';

export interface DistOptions {
  dir: boolean;
  arch: string;
}
export declare function parseDistArgs(args: string[], hostArch?: string): DistOptions | { error: string };

export interface DistFacts {
  env: Record<string, string | undefined>;
  version: string;
  platform: string;
  /** The Electron zip in @electron/get's download cache, or null. */
  cachedZip: string | null;
  /** The Electron-ABI addon for the target. */
  addon: string;
  stat: (file: string) => fs.Stats | undefined;
}
export type ElectronSource = { from: 'dist' | 'cache'; path: string } | { from: 'download' };
export type DistPlan = { ok: true; electron: ElectronSource; arch: string; dir: boolean } | { ok: false; problems: string[] };

export declare function electronZipName(version: string, platform: string, arch: string): string;
export declare function electronSource(facts: Omit<DistFacts, 'addon'> & { arch: string }): ElectronSource | { problem: string };
export declare function planDist(options: DistOptions, facts: DistFacts): DistPlan;
export declare function statOrUndefined(file: string): fs.Stats | undefined;
export declare function cachedElectronZip(version: string, platform: string, arch: string): Promise<string | null>;
