/**
 * The pinned peers the real-gateway tests run against (Node 24 and openclaw), installed by
 * scripts/install-test-peers.sh, which writes peers.json. A test that needs them fails, with
 * the command that installs them, when they are missing: it never skips.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Peers {
  node: { version: string; bin: string };
  openclaw: { version: string; entry: string };
}

export function peersDir(): string {
  return process.env.CCTASK_PEERS_DIR ?? join(homedir(), ".cache", "cctask-peers");
}

const INSTALL_HINT = "Run scripts/install-test-peers.sh (.ci/run does this before the tests) and try again.";

export function loadPeers(): Peers {
  const manifest = join(peersDir(), "peers.json");
  if (!existsSync(manifest)) {
    throw new Error(
      `The real OpenClaw gateway is not installed: ${manifest} does not exist. ${INSTALL_HINT}`,
    );
  }
  const peers = JSON.parse(readFileSync(manifest, "utf8")) as Peers;
  for (const file of [peers.node?.bin, peers.openclaw?.entry]) {
    if (typeof file !== "string" || !existsSync(file)) {
      throw new Error(`${manifest} names ${String(file)}, which does not exist. ${INSTALL_HINT}`);
    }
  }
  return peers;
}
