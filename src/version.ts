/** cctask's version: the CLI's --version, the daemon's /health (a unit test holds it to package.json). */
export const VERSION = "0.1.0";
