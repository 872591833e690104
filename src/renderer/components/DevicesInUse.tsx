import type { Translate } from '../../shared/i18n';
import { useT } from '../i18n';
import type { DeviceShown, UiState } from '../state/types';

/** "Microphone: X · Speaker: Y" in the status line: the devices in use, marked when they follow the system default. */
export function DevicesInUse({ devices }: { devices: UiState['devices'] }) {
  const t = useT();
  if (!devices.input && !devices.output) return null;
  return (
    <span className="status-devices">
      {devices.input && <DeviceLabel t={t} direction="input" device={devices.input} />}
      {devices.output && <DeviceLabel t={t} direction="output" device={devices.output} />}
    </span>
  );
}

function DeviceLabel({ t, direction, device }: { t: Translate; direction: 'input' | 'output'; device: DeviceShown }) {
  const name = device.followsDefault ? t('device.inUse.followsDefault', { device: device.name }) : device.name;
  return (
    <span
      className={`status-device status-device-${direction}`}
      data-follows-default={device.followsDefault}
      title={t(device.followsDefault ? 'device.inUse.followsTitle' : 'device.inUse.pickedTitle')}
    >
      {t(direction === 'input' ? 'device.inUse.input' : 'device.inUse.output', { name })}
    </span>
  );
}
