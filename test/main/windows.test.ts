import { describe, expect, it, vi } from 'vitest';
import { quickTalkPosition } from '../../src/main/windows';

vi.mock('electron', () => import('../mocks/electron'));

const size = { width: 360, height: 160 };
const screenArea = { x: 0, y: 28, width: 1920, height: 1052 };

describe('quickTalkPosition', () => {
  it('below a tray icon in a top panel, centred on it, inside the work area', () => {
    // The icon's centre is x 1012; the panel ends where the work area starts (y 28), plus a margin.
    expect(quickTalkPosition({ x: 1000, y: 0, width: 24, height: 24 }, size, screenArea)).toEqual({ x: 1012 - 180, y: 28 + 8 });
    expect(quickTalkPosition({ x: 1000, y: 40, width: 24, height: 24 }, size, screenArea)).toEqual({ x: 1012 - 180, y: 40 + 24 + 8 });
  });

  it('above a tray icon in a bottom panel (Windows taskbar)', () => {
    const area = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(quickTalkPosition({ x: 1700, y: 1044, width: 32, height: 32 }, size, area)).toEqual({ x: 1536, y: 1040 - 160 - 8 });
  });

  it('kept inside the work area at the screen edge', () => {
    const { x } = quickTalkPosition({ x: 1900, y: 0, width: 20, height: 24 }, size, screenArea);
    expect(x).toBe(1920 - 360 - 8);
  });

  it('Linux trays that report empty bounds: the top-right corner of the work area', () => {
    expect(quickTalkPosition({ x: 0, y: 0, width: 0, height: 0 }, size, screenArea)).toEqual({ x: 1920 - 360 - 8, y: 28 + 8 });
  });
});
