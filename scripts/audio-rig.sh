#!/usr/bin/env bash
# Headless audio rig for test/audio and bench/native-audio.ts (ARCHITECTURE.md, "Testing audio").
#
#   scripts/audio-rig.sh up|down|status|env
#
# A private PulseAudio daemon (own socket, so it never touches a desktop session) with:
#   spk     null sink, default sink: what the app plays; record it from spk.monitor
#   micsrc  null sink; vmic = remap of micsrc.monitor, default source: feed it with
#           `paplay --device=micsrc`
# plus a 20 ms pacat stream of /dev/zero into each sink (an idle null sink runs at ~2 s latency),
# an ALSA config so PortAudio's ALSA host API reaches the daemon (pcm/ctl `default` and `pulse`,
# and `kaiwa_aux`/`kaiwa_aux_mic`: sink `aux` and its monitor through a second socket that tests
# load, then unload under a running stream to lose the device; unloading a sink alone would not,
# PulseAudio moves its streams), a short
# capture to warm up (the first ALSA capture after the daemon starts stalls ~1.8 s).
# Idempotent: `up` on a healthy rig only reports it. Works as root (CI) and as a user.
#
# Nothing outside $RIG_DIR is written: clients reach the rig only through the variables `env`
# prints (PULSE_SERVER, ALSA_CONFIG_PATH, PULSE_COOKIE), set for the processes that use it, so the
# rest of the machine keeps its own sound. `down` stops everything and removes $RIG_DIR.
set -euo pipefail

RIG_DIR="${KAIWA_AUDIO_RIG_DIR:-/tmp/kaiwa-audio-rig-$(id -u)}"
SOCKET="$RIG_DIR/pulse/native"
export PULSE_SERVER="unix:$SOCKET"
# Without a cookie file of its own a PulseAudio client creates ~/.config/pulse/cookie.
export PULSE_COOKIE="$RIG_DIR/cookie"
ASOUNDRC="$RIG_DIR/asoundrc"
# Earlier versions of this script installed $ASOUNDRC as ~/.asoundrc; `down` removes such a copy.
LEGACY_MARKER='# written by kaiwa scripts/audio-rig.sh'

die() { echo "audio-rig: $*" >&2; exit 1; }

need() {
  local missing=()
  for c in pulseaudio pactl pacat arecord; do command -v "$c" >/dev/null || missing+=("$c"); done
  [ -e /usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so ] ||
    compgen -G '/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so' >/dev/null ||
    missing+=(libasound2-plugins)
  [ ${#missing[@]} -eq 0 ] ||
    die "missing ${missing[*]}: apt-get install pulseaudio pulseaudio-utils libasound2-plugins alsa-utils"
}

server_up() { pactl info >/dev/null 2>&1; }

has_sink() { pactl list short sinks 2>/dev/null | awk '{print $2}' | grep -qx "$1"; }
has_source() { pactl list short sources 2>/dev/null | awk '{print $2}' | grep -qx "$1"; }

# Alive and not a zombie (a container without an init that reaps keeps dead children around).
pid_alive() {
  [ -f "$1" ] || return 1
  local stat
  stat=$(cat "/proc/$(cat "$1")/stat" 2>/dev/null) || return 1
  stat=${stat##*) }  # the state follows the command name in parentheses
  [ "${stat:0:1}" != Z ]
}

healthy() {
  server_up && has_sink spk && has_sink micsrc && has_source vmic &&
    pid_alive "$RIG_DIR/keepalive-spk.pid" && pid_alive "$RIG_DIR/keepalive-micsrc.pid" &&
    [ -f "$ASOUNDRC" ]
}

write_asoundrc() {
  cat >"$ASOUNDRC" <<EOF
pcm.!default { type pulse server "unix:$SOCKET" hint.description "Kaiwa rig default" }
ctl.!default { type pulse server "unix:$SOCKET" }
pcm.!pulse { type pulse server "unix:$SOCKET" hint.description "Kaiwa rig PulseAudio" }
ctl.!pulse { type pulse server "unix:$SOCKET" }
pcm.kaiwa_aux { type pulse server "unix:$RIG_DIR/pulse/aux" device aux hint.description "Kaiwa rig aux" }
pcm.kaiwa_aux_mic { type pulse server "unix:$RIG_DIR/pulse/aux" device aux.monitor hint.description "Kaiwa rig aux mic" }
EOF
}

start_daemon() {
  mkdir -p "$RIG_DIR/pulse"
  chmod 700 "$RIG_DIR" "$RIG_DIR/pulse"
  # As root PulseAudio warns (per-user mode is not meant for root) but runs; it needs a private
  # runtime dir, no D-Bus, no autospawned second daemon, and anonymous auth so clients need no cookie.
  XDG_RUNTIME_DIR="$RIG_DIR" HOME="$RIG_DIR" PULSE_RUNTIME_PATH="$RIG_DIR/pulse" \
    pulseaudio --daemonize=yes --exit-idle-time=-1 --system=false -n \
    --use-pid-file=yes \
    --log-target="file:$RIG_DIR/pulseaudio.log" \
    --load="module-native-protocol-unix socket=$SOCKET auth-anonymous=1" \
    >/dev/null 2>&1 || die "pulseaudio failed to start; see $RIG_DIR/pulseaudio.log"
  for _ in $(seq 50); do server_up && return 0; sleep 0.1; done
  die "pulseaudio did not answer on $SOCKET; see $RIG_DIR/pulseaudio.log"
}

keepalive() { # sink
  local pidfile="$RIG_DIR/keepalive-$1.pid"
  pid_alive "$pidfile" && return 0
  nohup pacat --playback --device="$1" --latency-msec=20 --format=s16le --rate=48000 --channels=2 \
    /dev/zero >/dev/null 2>&1 &
  echo $! >"$pidfile"
}

up() {
  need
  mkdir -p "$RIG_DIR"
  chmod 700 "$RIG_DIR"
  if healthy; then echo "audio-rig: already up ($PULSE_SERVER)"; return 0; fi
  server_up || start_daemon
  has_sink spk || pactl load-module module-null-sink sink_name=spk \
    sink_properties=device.description=spk >/dev/null
  has_sink micsrc || pactl load-module module-null-sink sink_name=micsrc \
    sink_properties=device.description=micsrc >/dev/null
  has_source vmic || pactl load-module module-remap-source source_name=vmic \
    master=micsrc.monitor source_properties=device.description=vmic >/dev/null
  pactl set-default-sink spk
  pactl set-default-source vmic
  keepalive spk
  keepalive micsrc
  write_asoundrc
  ALSA_CONFIG_PATH="$(alsa_config_path)" arecord -q -D default -f S16_LE -r 24000 -c 1 -d 1 \
    /dev/null 2>/dev/null || true
  echo "audio-rig: up: pulseaudio $PULSE_SERVER, sinks spk (default) + micsrc, source vmic" \
    "(default, = micsrc.monitor), 20 ms keep-alives, ALSA config $ASOUNDRC, capture warmed up"
}

down() {
  local killed=0
  for f in "$RIG_DIR"/keepalive-*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null && killed=$((killed + 1))
    rm -f "$f"
  done
  if server_up; then
    XDG_RUNTIME_DIR="$RIG_DIR" HOME="$RIG_DIR" PULSE_RUNTIME_PATH="$RIG_DIR/pulse" \
      pulseaudio --kill >/dev/null 2>&1 || pactl exit >/dev/null 2>&1 || true
  fi
  if [ -f "$HOME/.asoundrc" ] && grep -qF "$LEGACY_MARKER" "$HOME/.asoundrc"; then rm -f "$HOME/.asoundrc"; fi
  # Wait for the daemon to go before removing its directory.
  for _ in $(seq 50); do server_up || break; sleep 0.1; done
  rm -rf "$RIG_DIR"
  echo "audio-rig: down: stopped $killed keep-alive(s) and the daemon at $PULSE_SERVER"
}

alsa_config_path() {
  local base=/usr/share/alsa/alsa.conf
  echo "$base:$ASOUNDRC"
}

status() {
  if healthy; then
    echo "audio-rig: up ($PULSE_SERVER): default sink $(pactl get-default-sink)," \
      "default source $(pactl get-default-source)"
  else
    echo "audio-rig: down or incomplete (server $(server_up && echo answering || echo absent) at $PULSE_SERVER)"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  # For callers (tests, bench): the environment that reaches the rig.
  env)
    echo "PULSE_SERVER=$PULSE_SERVER"
    echo "PULSE_COOKIE=$PULSE_COOKIE"
    echo "ALSA_CONFIG_PATH=$(alsa_config_path)"
    echo "KAIWA_AUDIO_RIG_DIR=$RIG_DIR"
    ;;
  *) die "usage: $0 up|down|status|env" ;;
esac
