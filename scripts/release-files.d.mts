// Types of scripts/release-files.mjs, for the test that holds it (test/packaging/release-files.test.ts).
export declare const INSTALLER_EXTENSIONS: string[];
export declare function unpackedExecutable(platform: string, arch: string): string;
export declare function checksumLines(folder: string): string[];
