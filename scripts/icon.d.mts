// Types of scripts/icon.mjs, for test/packaging/icon.test.ts.
export declare const ICO_SIZES: number[];
export declare const ICNS_TYPES: [string, number][];
export declare function drawIcon(size: number): Buffer;
export declare function iconPng(size: number): Buffer;
export declare function iconIco(): Buffer;
export declare function iconIcns(): Buffer;
export declare function iconSet(): Record<'icon.png' | 'icon.ico' | 'icon.icns', Buffer>;
