#!/usr/bin/env bash
# Installs libfollowup (shared and static), include/followup.h and a pkg-config file
# under PREFIX:
#
#   cargo build --release -p followup-capi
#   capi/install.sh /usr/local [target/release]
#   cc app.c $(pkg-config --cflags --libs followup)                # linked dynamically
#   cc app.c $(pkg-config --cflags --libs --static followup) -static-libgcc ...  # see README
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?usage: capi/install.sh PREFIX [LIB_DIR]}
lib_dir=${2:-target/release}
version=$(sed -n 's/^#define FOLLOWUP_VERSION "\(.*\)"$/\1/p' include/followup.h)
[ -n "$version" ] || { echo "include/followup.h has no FOLLOWUP_VERSION" >&2; exit 1; }
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp include/followup.h "$prefix/include/"
cp "$lib_dir/libfollowup.so" "$lib_dir/libfollowup.a" "$prefix/lib/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" capi/followup.pc.in \
  > "$prefix/lib/pkgconfig/followup.pc"
echo "installed followup $version under $prefix"
