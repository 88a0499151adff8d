#!/usr/bin/env bash
# Builds a format plugin with the C SDK into a plugin folder (plugin.toml + plugin.wasm).
#   build-plugin.sh <out dir> <plugin.toml> <source.c>...
set -euo pipefail
sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in clang wasm-ld; do
  command -v "$tool" >/dev/null || { echo "build-plugin.sh: $tool not found; install it: apt-get install clang lld" >&2; exit 1; }
done
out="$1"; manifest="$2"; shift 2
mkdir -p "$out"
clang --target=wasm32 -O2 -nostdlib -fno-builtin -I"$sdk/c" \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-debug \
  -o "$out/plugin.wasm" "$@" "$sdk/c/ak_alloc.c"
cp "$manifest" "$out/plugin.toml"
echo "built $out/plugin.wasm ($(wc -c < "$out/plugin.wasm") bytes)"
