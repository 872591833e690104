import type { Settings, SettingsPatch } from '../../shared/ipc';

const NESTED = ['azure', 'turnDetection', 'interruption', 'hotkeys'] as const;
type Nested = (typeof NESTED)[number];

/** Only what changed between the saved settings and the edited draft, in the patch's shape. */
export function settingsPatch(saved: Settings, draft: Settings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys({ ...saved, ...draft }) as (keyof Settings)[]) {
    if ((NESTED as readonly string[]).includes(key)) {
      const before = (saved[key as Nested] ?? {}) as Record<string, unknown>;
      const after = (draft[key as Nested] ?? {}) as Record<string, unknown>;
      const changed: Record<string, unknown> = {};
      for (const sub of Object.keys({ ...before, ...after })) {
        if (!Object.is(before[sub], after[sub])) changed[sub] = after[sub];
      }
      if (Object.keys(changed).length > 0) patch[key] = changed;
    } else if (!Object.is(saved[key], draft[key])) {
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
