#!/usr/bin/env bash
# Rebuilds typevisor's bare-metal test guests into tests/guests/build/<name>.elf and, where
# qemu-system-aarch64 is installed, their golden console output into tests/guests/golden/<name>.txt
# (QEMU virt with the guest's "gic" version from guests.json, 3 when it has none).
#
#   bash tests/guests/build.sh            # all guests in guests.json
#   bash tests/guests/build.sh arith ldst # just these
#   NO_QEMU=1 bash tests/guests/build.sh  # ELFs only
#   SKIP_ALIGN_CHECK=1 ...                # skip the second run with SCTLR_EL1.A = 1
#
# Needs: aarch64-linux-gnu-gcc (Debian gcc-aarch64-linux-gnu), node (to read guests.json);
# optional: qemu-system-aarch64 (Debian qemu-system-arm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
CC=${CC:-aarch64-linux-gnu-gcc}
QEMU=${QEMU:-qemu-system-aarch64}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}

CFLAGS=(-ffreestanding -nostdlib -nostartfiles -static -O2 -mgeneral-regs-only -mstrict-align
        -fno-pic -fno-stack-protector -mno-outline-atomics -fno-asynchronous-unwind-tables
        -fno-unwind-tables -Wall -Wextra -Wno-unused-parameter -std=gnu11)
LDFLAGS=(-T link.ld -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments -Wl,-n)

# name -> "source extra-flags..."
guest_src() {
  case "$1" in
    arith)   echo "arith.c -march=armv8-a+crc" ;;
    atomics) echo "atomics.c -march=armv8.1-a" ;;
    bench)   echo "sieve.c -march=armv8-a -DBENCH" ;;
    vecstr)  echo "vecstr.c -march=armv8-a+simd -O3 -fno-tree-loop-distribute-patterns" ;;
    crypto)  echo "crypto.c -march=armv8-a+crypto" ;;
    *)       echo "$1.c -march=armv8-a" ;;
  esac
}

# Guests marked "fp": true in guests.json may use FP/SIMD: they are built without
# -mgeneral-regs-only, with -DFP_GUEST (start.S then sets CPACR_EL1.FPEN = 0b11 before anything
# else runs) and -fno-math-errno, and are exempt from the no-FP-register check. Every other
# guest keeps -mgeneral-regs-only and the check.
FP_CFLAGS=()
for f in "${CFLAGS[@]}"; do [ "$f" = -mgeneral-regs-only ] || FP_CFLAGS+=("$f"); done
FP_CFLAGS+=(-DFP_GUEST -fno-math-errno)

mapfile -t manifest < <(node -e '
  const g = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const x of g) console.log(`${x.name} ${x.cpu} ${x.memMiB} ${x.fp ? 1 : 0} ${x.gic ?? 3}`);' guests.json)

want=("$@")
mkdir -p build golden
have_qemu=0
if [ -z "${NO_QEMU:-}" ] && command -v "$QEMU" >/dev/null 2>&1; then have_qemu=1; fi

run_qemu() { # cpu mem elf out [gic-version]
  timeout "$QEMU_TIMEOUT" "$QEMU" -M "virt,gic-version=${5:-3}" -cpu "$1" -m "$2" \
    -nographic -monitor none -serial stdio -kernel "$3" </dev/null >"$4" 2>"$4.stderr"
}

status=0
for line in "${manifest[@]}"; do
  read -r name cpu mem fp gicv <<<"$line"
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " == *" $name "* ]]; then continue; fi
  read -r src extra <<<"$(guest_src "$name")"
  if [ "$fp" = 1 ]; then cflags=("${FP_CFLAGS[@]}"); else cflags=("${CFLAGS[@]}"); fi
  # shellcheck disable=SC2086
  "$CC" "${cflags[@]}" $extra -o "build/$name.elf" start.S runtime.c "$src" "${LDFLAGS[@]}"
  size=$(stat -c %s "build/$name.elf")
  nfp=$(aarch64-linux-gnu-objdump -d "build/$name.elf" | cut -f3- |
      grep -Ec '(^|[[:space:],{[])([qdsbhv]([0-9]|[12][0-9]|3[01]))([ ,}.]|$)' || true)
  if [ "$fp" = 1 ]; then
    echo "  $name: $nfp instructions use SIMD&FP registers"
  elif [ "$nfp" != 0 ]; then
    # No FP/SIMD register may appear anywhere in the guest code.
    echo "  !! $name: FP/SIMD register use in build/$name.elf" >&2
    status=1
  fi
  if [ "$have_qemu" = 1 ]; then
    start=$(date +%s%N)
    set +e
    run_qemu "$cpu" "$mem" "build/$name.elf" "golden/$name.txt" "$gicv"
    rc=$?
    set -e
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    last=$(tail -n 1 "golden/$name.txt" | tr -d '\r')
    printf '%-11s %6d bytes  qemu %6d ms rc=%d  %s\n' "$name" "$size" "$ms" "$rc" "$last"
    if [ "$rc" != 0 ] || [ -s "golden/$name.txt.stderr" ] || [[ "$last" != "PASS $name" ]]; then
      echo "  !! $name: qemu rc=$rc, stderr: $(head -c 300 "golden/$name.txt.stderr")" >&2
      status=1
    fi
    rm -f "golden/$name.txt.stderr"
    # Self-check: the same guest with SCTLR_EL1.A = 1 (QEMU then faults every unaligned access,
    # which it does not do for Device memory otherwise) must print exactly the same transcript.
    if [ -z "${SKIP_ALIGN_CHECK:-}" ]; then
      tmp=$(mktemp -d)
      # shellcheck disable=SC2086
      "$CC" "${cflags[@]}" $extra -DALIGN_CHECK -o "$tmp/a.elf" start.S runtime.c "$src" "${LDFLAGS[@]}"
      set +e; run_qemu "$cpu" "$mem" "$tmp/a.elf" "$tmp/a.txt" "$gicv"; set -e
      if ! cmp -s "$tmp/a.txt" "golden/$name.txt"; then
        echo "  !! $name: transcript differs with alignment checking on:" >&2
        diff "golden/$name.txt" "$tmp/a.txt" | head -20 >&2 || true
        status=1
      fi
      rm -rf "$tmp"
    fi
  else
    printf '%-11s %6d bytes  (no qemu: golden not regenerated)\n' "$name" "$size"
  fi
done
exit $status
