import { inject } from 'vitest';

// Runs in each `audio` worker before its test file is imported, so PortAudio (which reads the ALSA
// configuration once per process) and the pactl/paplay/parec children find the rig.
Object.assign(process.env, inject('audioRig'));
