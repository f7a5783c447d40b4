#!/bin/sh
# Build tests/diff-fp/harness.elf, the static AArch64 program diff-fp.test.ts runs under qemu-aarch64.
# Needs Debian's gcc-aarch64-linux-gnu (binutils). The built binary is committed.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
aarch64-linux-gnu-gcc -c -march=armv8-a+crypto -o "$tmp/harness.o" harness.S
aarch64-linux-gnu-ld -static -nostdlib --build-id=none -z max-page-size=4096 -Ttext=0x400000 -e _start -s -o harness.elf "$tmp/harness.o"
echo "built $(pwd)/harness.elf ($(wc -c < harness.elf) bytes)"
