import type { Settings, SettingsPatch } from '../../shared/ipc';

/** A group of settings (azure, turnDetection, ...): the patch carries only its changed fields. */
function isGroup(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal values: the same primitive, or lists (and objects) with the same content (a copied draft holds copies). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** Only what changed between the saved settings and the edited draft, in the patch's shape. */
export function settingsPatch(saved: Settings, draft: Settings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys({ ...saved, ...draft }) as (keyof Settings)[]) {
    const savedValue: unknown = saved[key];
    const draftValue: unknown = draft[key];
    if (isGroup(savedValue) || isGroup(draftValue)) {
      const before = isGroup(savedValue) ? savedValue : {};
      const after = isGroup(draftValue) ? draftValue : {};
      const changed: Record<string, unknown> = {};
      for (const sub of Object.keys({ ...before, ...after })) {
        if (!same(before[sub], after[sub])) changed[sub] = after[sub];
      }
      if (Object.keys(changed).length > 0) patch[key] = changed;
    } else if (!same(saved[key], draft[key])) {
      patch[key] = draft[key];
    }
  }
  return patch as SettingsPatch;
}

export function isEmptyPatch(patch: SettingsPatch): boolean {
  return Object.keys(patch).length === 0;
}

/** Whether an environment variable fixes `path` (e.g. "azure.endpoint" is fixed by "azure" too). */
export function isOverridden(envOverrides: readonly string[], path: string): boolean {
  return envOverrides.some((o) => o === path || path.startsWith(`${o}.`));
}
