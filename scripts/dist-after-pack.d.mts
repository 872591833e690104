// Types for the electron-builder afterPack hook (plain .mjs, loaded by electron-builder itself).
export function addonDir(appOutDir: string): string;
export function relocateAddon(appOutDir: string): { addon: string; before: string; changed: boolean };
export default function afterPack(context: { electronPlatformName: string; appOutDir: string }): Promise<void>;
