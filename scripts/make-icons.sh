#!/bin/sh
# Renders every icon Kaiwa ships from the SVG sources. The PNG/ICNS/ICO outputs are committed,
# so a build never needs these tools; run this only after changing a source.
#
#   assets/icon.svg        the app icon (48 px and up)
#   assets/icon-small.svg  the app icon hinted for 16 and 32 px
#   tray glyphs            written below (a 16 px grid): a speech bubble whose three bars show
#                          the state: idle (dots), listening (medium), speaking (tall)
#
# Needs: rsvg-convert (Debian librsvg2-bin); png2icns (icnsutils) and icotool (icoutils).
set -eu

cd "$(dirname "$0")/../assets"
for tool in rsvg-convert png2icns icotool; do
  command -v "$tool" >/dev/null || { echo "make-icons: $tool not found (apt-get install librsvg2-bin icnsutils icoutils)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render() { # render SVG SIZE OUT
  rsvg-convert --width "$2" --height "$2" --keep-aspect-ratio "$1" --output "$3"
}

# --- app icon: 1024 master, Linux hicolor sizes, macOS .icns, Windows .ico --------------------
render icon.svg 1024 icon.png
mkdir -p icons
for size in 16 32 48 64 128 256 512 1024; do
  if [ "$size" -le 32 ]; then src=icon-small.svg; else src=icon.svg; fi
  render "$src" "$size" "$tmp/$size.png"
  [ "$size" -le 512 ] && cp "$tmp/$size.png" "icons/${size}x${size}.png"
done
render icon-small.svg 24 "$tmp/24.png"

png2icns icon.icns "$tmp/1024.png" "$tmp/512.png" "$tmp/256.png" "$tmp/128.png" "$tmp/48.png" "$tmp/32.png" "$tmp/16.png" >/dev/null
icotool --create --output icon.ico "$tmp/16.png" "$tmp/24.png" "$tmp/32.png" "$tmp/48.png" "$tmp/64.png" "$tmp/128.png" \
  --raw="$tmp/256.png"

# --- tray: colour variants (Windows, Linux) and macOS templates (black + alpha) ---------------
# tray_svg FILL BARS MODE: BARS is "h1 h2 h3", the heights of the three bars on the 16 px grid;
# MODE colour paints white bars on a FILL bubble, template punches the bars out of a black one.
tray_svg() {
  local fill mode bars x y h
  fill=$1; mode=$3; set -- $2
  bars=""
  x=4
  for h in "$1" "$2" "$3"; do
    if [ "$h" -eq 2 ]; then y=6; else y=$(( (13 - h) / 2 )); fi
    bars="$bars<rect x=\"$x\" y=\"$y\" width=\"2\" height=\"$h\" rx=\"$( [ "$h" -eq 2 ] && echo 1 || echo 0.5 )\"/>"
    x=$((x + 3))
  done
  local bubble
  bubble='<rect x="1" y="1" width="14" height="11" rx="4"/><path d="M 3 9.5 L 2.5 15 L 9 11.5 Z"/>'
  if [ "$mode" = template ]; then
    cat <<EOF
<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <mask id="m"><g fill="#fff">$bubble</g><g fill="#000">$bars</g></mask>
  <rect width="16" height="16" fill="#000" mask="url(#m)"/>
</svg>
EOF
  else
    cat <<EOF
<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <g fill="$fill">$bubble</g><g fill="#fff">$bars</g>
</svg>
EOF
  fi
}

for state in idle listening speaking; do
  case $state in
    idle)      colour='#7C8496'; heights='2 2 2' ;;
    listening) colour='#0FA394'; heights='3 5 3' ;;
    speaking)  colour='#5B50EE'; heights='5 9 5' ;;
  esac
  tray_svg "$colour" "$heights" colour >"$tmp/tray-$state.svg"
  tray_svg "$colour" "$heights" template >"$tmp/trayTemplate-$state.svg"
  for name in "tray-$state" "trayTemplate-$state"; do
    render "$tmp/$name.svg" 16 "$name.png"
    render "$tmp/$name.svg" 32 "$name@2x.png"
  done
done

# --- tray while sharing: the bubble with a round "recording" dot instead of bars -----------------
# (red in colour; punched out of the black template), shown whatever the assistant's state.
dot='<circle cx="8" cy="6.5" r="3"/>'
bubble='<rect x="1" y="1" width="14" height="11" rx="4"/><path d="M 3 9.5 L 2.5 15 L 9 11.5 Z"/>'
printf '%s' "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\" viewBox=\"0 0 16 16\"><g fill=\"#E5484D\">$bubble</g><g fill=\"#fff\">$dot</g></svg>" >"$tmp/tray-sharing.svg"
printf '%s' "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\" viewBox=\"0 0 16 16\"><mask id=\"m\"><g fill=\"#fff\">$bubble</g><g fill=\"#000\">$dot</g></mask><rect width=\"16\" height=\"16\" fill=\"#000\" mask=\"url(#m)\"/></svg>" >"$tmp/trayTemplate-sharing.svg"
for name in tray-sharing trayTemplate-sharing; do
  render "$tmp/$name.svg" 16 "$name.png"
  render "$tmp/$name.svg" 32 "$name@2x.png"
done

echo "make-icons: wrote $(ls icon.png icon.icns icon.ico icons/*.png tray*.png | wc -l) files in assets/"
