import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { englishOf } from '../../src/main/said';
import { DEFAULT_SETTINGS, SettingsError } from '../../src/engine/settings';
import { SettingsStore, applySettingsPatch } from '../../src/main/settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('no file: the defaults, no notice', () => {
    expect(new SettingsStore(dir).load()).toEqual({ settings: DEFAULT_SETTINGS });
  });

  it('saves atomically and loads back, leaving no temporary file', () => {
    const store = new SettingsStore(dir);
    const settings = applySettingsPatch(DEFAULT_SETTINGS, { voice: 'cedar', hotkeys: { talk: 'Alt+K' } });
    store.save(settings);
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(new SettingsStore(dir).load()).toEqual({ settings });
  });

  it.each([
    ['not JSON', '{"voice": "cedar",'],
    ['an invalid value', JSON.stringify({ voice: 'nobody', hotkeys: { talk: '' } })],
  ])('a corrupt file (%s): defaults, a notice, and the file kept as .bak', (_what, content) => {
    writeFileSync(join(dir, 'settings.json'), content);
    const loaded = new SettingsStore(dir).load();
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(englishOf(loaded.notice!)).toMatch(/damaged.*using the defaults.*settings\.json\.bak/);
    expect(readFileSync(join(dir, 'settings.json.bak'), 'utf8')).toBe(content);
  });

  it('a second corrupt file does not overwrite the first backup', () => {
    writeFileSync(join(dir, 'settings.json'), 'first');
    new SettingsStore(dir).load();
    writeFileSync(join(dir, 'settings.json'), 'second');
    const loaded = new SettingsStore(dir).load();
    expect(englishOf(loaded.notice!)).toContain('settings.json.1.bak');
    expect(readFileSync(join(dir, 'settings.json.bak'), 'utf8')).toBe('first');
    expect(readFileSync(join(dir, 'settings.json.1.bak'), 'utf8')).toBe('second');
  });
});

describe('applySettingsPatch', () => {
  it('merges sections one level deep', () => {
    const next = applySettingsPatch(DEFAULT_SETTINGS, { turnDetection: { mode: 'manual' }, azure: { deployment: 'gpt' } });
    expect(next.turnDetection).toEqual({ ...DEFAULT_SETTINGS.turnDetection, mode: 'manual' });
    expect(next.azure).toEqual({ ...DEFAULT_SETTINGS.azure, deployment: 'gpt' });
  });

  it('an explicit undefined clears an optional field', () => {
    const withDevice = applySettingsPatch(DEFAULT_SETTINGS, { inputDevice: 'USB mic' });
    expect(withDevice.inputDevice).toBe('USB mic');
    expect(applySettingsPatch(withDevice, { inputDevice: undefined }).inputDevice).toBeUndefined();
  });

  it('a semantically invalid result throws SettingsError with readable lines', () => {
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, { url: 'http://example.com' })).toThrow(SettingsError);
    const error = (() => {
      try {
        applySettingsPatch(DEFAULT_SETTINGS, { turnDetection: { threshold: 3 } });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).issues[0]).toMatch(/^turnDetection\.threshold: /);
  });
});
