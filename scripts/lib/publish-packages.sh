# Sourced by scripts/publish and scripts/demo.
# publish_missing_packages prints, one a line, the Debian packages that the NativeAOT publish needs and this machine
# lacks: gcc (it builds Core's exec wrapper, Processes/pdeathsig.c, and drives the native link), libsqlite3-dev (its libsqlite3.a is
# linked into the binary) and zlib1g-dev (.NET's documented NativeAOT prerequisite; the .NET 10 packs bring a zlib of
# their own, so the binary does not link the system's, but an SDK without it would).
publish_missing_packages() {
  command -v gcc >/dev/null 2>&1 || echo gcc
  [ -e /usr/lib/x86_64-linux-gnu/libsqlite3.a ] || echo libsqlite3-dev
  [ -e /usr/include/zlib.h ] || echo zlib1g-dev
}
