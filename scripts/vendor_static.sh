#!/usr/bin/env bash
# Vendored browser libraries: fetch the pinned npm packages and copy the files Gridbook serves
# (nothing is loaded from a CDN or fetched at run time).
#
#   scripts/vendor_static.sh          re-fetch the pinned versions into server/web/static/web/vendor/
#   scripts/vendor_static.sh --check  verify that the vendored files are byte for byte the pinned ones
#
# npm checks each tarball against the registry's sha512 integrity; this script then checks it
# against the integrity pinned below, so a changed package under the same version is refused.
#
# Why these versions:
# - htmx.org 2.0.11: the 2.x line is the widely deployed one and stays supported. 4.x (4.0.0,
#   Sept 2026) is a ground-up rewrite: fetch() instead of XMLHttpRequest, attribute inheritance
#   explicit by default, 4xx/5xx responses swapped by default, renamed events. Nothing Gridbook
#   needs is in 4.x only; revisit when its extensions and docs have settled.
# - echarts 6.1.0: the current release line; dist/echarts.min.js is the full build (bar, line,
#   pie, heatmap, map ...) with the Chinese and English locales built in.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=server/web/static/web/vendor

# package@version, then "file-in-package:destination-in-vendor" pairs
PACKAGES=(
  "htmx.org@2.0.11|dist/htmx.min.js:htmx/htmx.min.js LICENSE:htmx/LICENSE"
  "echarts@6.1.0|dist/echarts.min.js:echarts/echarts.min.js LICENSE:echarts/LICENSE NOTICE:echarts/NOTICE licenses/LICENSE-d3:echarts/LICENSE-d3"
)
# Integrity values as published by the registry (npm view PACKAGE@VERSION dist.integrity).
declare -A INTEGRITY=(
  ["htmx.org@2.0.11"]="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  ["echarts@6.1.0"]="sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=="
)

mode=${1:-fetch}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0

for entry in "${PACKAGES[@]}"; do
  spec=${entry%%|*}
  files=${entry##*|}
  (cd "$scratch" && npm pack --silent "$spec" > "$scratch/$spec.name")
  tarball=$scratch/$(cat "$scratch/$spec.name")
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "${INTEGRITY[$spec]}" ]; then
    echo "$spec: integrity $actual does not match the pinned ${INTEGRITY[$spec]}" >&2
    exit 1
  fi
  unpacked=$scratch/$spec
  mkdir -p "$unpacked"
  tar -xzf "$tarball" -C "$unpacked"
  for pair in $files; do
    source=$unpacked/package/${pair%%:*}
    target=$VENDOR/${pair##*:}
    if [ "$mode" = "--check" ]; then
      if ! cmp -s "$source" "$target"; then
        echo "differs from $spec: $target" >&2
        status=1
      fi
    else
      mkdir -p "$(dirname "$target")"
      cp "$source" "$target"
    fi
  done
  echo "$spec ${INTEGRITY[$spec]}"
done

if [ "$mode" = "--check" ]; then
  [ $status -eq 0 ] && echo "Vendored files are the pinned packages' files."
  exit $status
fi
echo "Vendored into $VENDOR. Check with: scripts/vendor_static.sh --check"
