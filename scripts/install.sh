#!/bin/sh
# Installs the orchestrate binary of a GitHub release (Linux and macOS).
#
#   curl -fsSL https://raw.githubusercontent.com/orchestrate/orchestrate/main/scripts/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- -b /usr/local/bin -v v0.1.0
#
# Options (each also read from the environment variable named):
#   -b DIR  install orchestrate into DIR            (ORCHESTRATE_INSTALL; default ~/.local/bin)
#   -v TAG  the release to install, e.g. v0.1.0     (ORCHESTRATE_VERSION; default the latest)
#   -u URL  the folder holding the release assets   (ORCHESTRATE_INSTALL_BASE_URL; default
#           https://github.com/orchestrate/orchestrate/releases/latest/download/, or
#           .../releases/download/TAG/ with -v)
#
# It downloads orchestrate-<target> and SHA256SUMS into a temporary folder,
# checks the SHA-256, checks that the binary runs, and only then moves it
# into DIR. Exit codes: 0 installed; 1 failed, nothing installed; 2 bad usage.

set -eu

REPO="orchestrate/orchestrate"

usage() {
  echo "usage: install.sh [-b DIR] [-v TAG] [-u URL]"
}

fail() {
  echo "error: $*" >&2
  exit 1
}

bin_dir="${ORCHESTRATE_INSTALL:-}"
version="${ORCHESTRATE_VERSION:-}"
base_url="${ORCHESTRATE_INSTALL_BASE_URL:-}"

while getopts "b:v:u:h" opt; do
  case $opt in
    b) bin_dir=$OPTARG ;;
    v) version=$OPTARG ;;
    u) base_url=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
  echo "error: unexpected argument '$1'" >&2
  usage >&2
  exit 2
fi
if [ -n "$base_url" ] && [ -n "$version" ]; then
  echo "error: give a release tag (-v) or a base URL (-u), not both" >&2
  exit 2
fi
if [ -z "$bin_dir" ]; then
  [ -n "${HOME:-}" ] || fail "HOME is not set: choose a folder with -b DIR"
  bin_dir="$HOME/.local/bin"
fi
if [ -z "$base_url" ]; then
  if [ -n "$version" ]; then
    base_url="https://github.com/$REPO/releases/download/$version/"
  else
    base_url="https://github.com/$REPO/releases/latest/download/"
  fi
fi
case $base_url in
  */) ;;
  *) base_url="$base_url/" ;;
esac

# The asset names are `deno compile --target` names.
os=$(uname -s)
arch=$(uname -m)
case $os in
  Linux) os_part="unknown-linux-gnu" ;;
  Darwin)
    os_part="apple-darwin"
    # A shell under Rosetta 2 says x86_64 on Apple silicon: take the native build.
    if [ "$arch" = "x86_64" ] &&
      [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = "1" ]; then
      arch="arm64"
    fi
    ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    cat >&2 <<EOF
error: this script installs the Linux and macOS binaries, not the Windows one.
On Windows, download orchestrate-x86_64-pc-windows-msvc.exe and SHA256SUMS from
  ${base_url}
check the hash in PowerShell:
  (Get-FileHash orchestrate-x86_64-pc-windows-msvc.exe -Algorithm SHA256).Hash
against the line for that file in SHA256SUMS, rename it to orchestrate.exe and
put it in a folder on your PATH.
EOF
    exit 1
    ;;
  *) fail "there is no orchestrate binary for $os (Linux and macOS only); install from a checkout with 'deno task install' instead" ;;
esac
case $arch in
  x86_64 | amd64) arch_part="x86_64" ;;
  aarch64 | arm64) arch_part="aarch64" ;;
  *) fail "there is no orchestrate binary for $arch on $os (x86_64 and arm64 only); install from a checkout with 'deno task install' instead" ;;
esac
target="$arch_part-$os_part"
asset="orchestrate-$target"

if command -v curl >/dev/null 2>&1; then
  download() { curl --fail --silent --show-error --location --output "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  download() { wget -q -O "$2" "$1"; }
else
  fail "cannot download: neither curl nor wget is installed"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | awk '{ print $1 }'; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | awk '{ print $1 }'; }
else
  fail "cannot check the download: neither sha256sum nor shasum is installed"
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t orchestrate)
staged=""
cleanup() {
  rm -rf "$tmp"
  if [ -n "$staged" ]; then rm -f "$staged"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Downloading $asset from $base_url"
download "${base_url}SHA256SUMS" "$tmp/SHA256SUMS" ||
  fail "cannot download ${base_url}SHA256SUMS; nothing was installed"
# Lines as sha256sum prints them: "<hash>  <name>" (or "<hash> *<name>").
expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS" |
  tr 'A-F' 'a-f')
[ -n "$expected" ] ||
  fail "SHA256SUMS has no entry for $asset, so it cannot be checked; refusing to install (nothing was installed)"
download "${base_url}$asset" "$tmp/$asset" ||
  fail "cannot download ${base_url}$asset (does this release have a binary for $target?); nothing was installed"
actual=$(sha256 "$tmp/$asset")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual. Refusing to install; nothing was installed."
fi

mkdir -p "$bin_dir" || fail "cannot create $bin_dir; nothing was installed"
bin_dir=$(cd "$bin_dir" && pwd)
# Staged beside its final place, so the last step is a rename within one folder.
staged="$bin_dir/.orchestrate.install.$$"
cp "$tmp/$asset" "$staged"
chmod 755 "$staged"
if ! "$staged" --version >/dev/null 2>"$tmp/version.err"; then
  fail "the downloaded $asset does not run on this machine: $(cat "$tmp/version.err"); nothing was installed"
fi
mv -f "$staged" "$bin_dir/orchestrate"
staged=""

echo "Installed $("$bin_dir/orchestrate" --version) to $bin_dir/orchestrate"
case ":${PATH:-}:" in
  *":$bin_dir:"*) echo "Run 'orchestrate --help' to get started." ;;
  *)
    echo "$bin_dir is not on your PATH. Add this line to your shell profile (~/.profile, ~/.bashrc or ~/.zshrc):"
    echo "  export PATH=\"$bin_dir:\$PATH\""
    ;;
esac
