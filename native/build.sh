#!/bin/sh
# Builds each native program: native/helper/<program>/*.c (+ native/helper/common/*.c) →
# dist/native/<program>. Static, so start-up skips the dynamic loader (it is on the hot path).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../dist/native"
mkdir -p "$out"
common=""
[ -d "$here/helper/common" ] && common=$(find "$here/helper/common" -name '*.c' | sort)
for dir in "$here"/helper/*/; do
  program=$(basename "$dir")
  [ "$program" = common ] && continue
  sources=$(find "$dir" -name '*.c' | sort)
  # shellcheck disable=SC2086
  ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -static -I"$here/helper/common" \
    -o "$out/$program.tmp" $sources $common
  mv "$out/$program.tmp" "$out/$program"
done
