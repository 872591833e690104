#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the test suite needs (audio rig, speech, Chromium, packaging
# tools), only those missing. Used by .ci/run and by `npm test` (pretest). Elsewhere it prints what
# to install and fails, so a missing tool is one clear line, not a confusing test failure.
set -euo pipefail

packages=(
  pulseaudio pulseaudio-utils libasound2-plugins alsa-utils  # the PulseAudio null-sink audio rig
  sox espeak-ng                                              # speech to feed the virtual microphone
  chromium                                                   # renderer end-to-end tests
  patchelf binutils                                          # $ORIGIN rpath for the native addon, readelf
  desktop-file-utils                                         # validates the .desktop entries (packaging tests)
  fonts-noto-cjk                                             # Japanese glyphs in the window's screenshots (e2e)
  ffmpeg                                                     # m4a/AAC in the terminal and `kaiwa serve` (engine/audio/ffmpeg.ts)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "kaiwa: the tests need these packages (Debian names): ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "kaiwa: the tests need: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "kaiwa: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
