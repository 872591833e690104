import type { UpdateMode, UpdateStatus } from '../../shared/ipc';

/** The updater as the window and the tray see it: one status, changed in parts, each change told once. */
export class UpdateState {
  private current: UpdateStatus;

  constructor(
    version: string,
    mode: UpdateMode,
    private readonly onChange: (status: UpdateStatus) => void,
  ) {
    this.current = { version, mode, enabled: false, phase: 'idle', canRestart: false };
  }

  get status(): UpdateStatus {
    return structuredClone(this.current);
  }

  set(change: Partial<UpdateStatus>): void {
    const next = { ...this.current, ...change };
    for (const key of Object.keys(change) as (keyof UpdateStatus)[]) if (change[key] === undefined) delete next[key];
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.onChange(this.status);
  }
}
