#!/usr/bin/env bash
# Builds tests/c/host_test.c against libfollowup and runs it four ways: linked
# dynamically, linked statically, under AddressSanitizer + UndefinedBehaviorSanitizer,
# and under valgrind. Each must pass with zero sanitizer or valgrind reports.
#
#   tests/c/run.sh [LIB_DIR]     LIB_DIR holds libfollowup.so and .a (default target/debug;
#                                build them with `cargo build -p followup-capi`)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib_dir=$(cd "${1:-target/debug}" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc=${CC:-cc}
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -I include)
# The system libraries the Rust staticlib needs, as
# `cargo rustc -p followup-capi --crate-type staticlib -- --print native-static-libs`
# prints them on Linux (glibc).
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)

for f in libfollowup.so libfollowup.a; do
  [ -f "$lib_dir/$f" ] || { echo "no $lib_dir/$f: run cargo build -p followup-capi" >&2; exit 1; }
done

echo "-- the README's example, installed and linked through pkg-config"
prefix="$out/prefix"
capi/install.sh "$prefix" "$lib_dir" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cc" "${cflags[@]}" tests/c/example.c $(pkg-config --cflags --libs followup) \
  -Wl,-rpath,"$prefix/lib" -o "$out/example"
"$out/example" | grep -q '"did_something":true' || { echo "the example did nothing" >&2; exit 1; }
# shellcheck disable=SC2046
"$cc" "${cflags[@]}" tests/c/example.c $(pkg-config --cflags followup) \
  "$prefix/lib/libfollowup.a" $(pkg-config --libs-only-l --static followup | sed 's/-lfollowup//') \
  -o "$out/example_static"
"$out/example_static" >/dev/null

echo "-- linked dynamically"
"$cc" "${cflags[@]}" tests/c/host_test.c -L "$lib_dir" -lfollowup -Wl,-rpath,"$lib_dir" \
  -o "$out/dynamic"
"$out/dynamic"

echo "-- linked statically"
"$cc" "${cflags[@]}" tests/c/host_test.c "$lib_dir/libfollowup.a" "${static_libs[@]}" \
  -o "$out/static"
if ldd "$out/static" | grep -q libfollowup; then
  echo "the static build links libfollowup.so" >&2
  exit 1
fi
"$out/static"

echo "-- AddressSanitizer + UndefinedBehaviorSanitizer (leak check on)"
"$cc" "${cflags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
  -fno-sanitize-recover=all tests/c/host_test.c "$lib_dir/libfollowup.a" "${static_libs[@]}" \
  -o "$out/asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 "$out/asan"

echo "-- valgrind (memcheck, leaks)"
valgrind --quiet --error-exitcode=87 --leak-check=full \
  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  "$out/static"
