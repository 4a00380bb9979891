/**
 * Which way process facts and the one-daemon lock are obtained. Linux has /proc and abstract unix
 * sockets; everywhere else (macOS) the portable way is used: `ps` for start times and a lock file
 * judged by the pid-and-start-time rule. CCTASK_PLATFORM_PORTABLE=1 forces the portable way on
 * Linux, so that it is exercised where the tests run. Read on every call: tests switch it.
 */
export type PlatformMode = "linux" | "portable";

export function platformMode(): PlatformMode {
  if (process.env.CCTASK_PLATFORM_PORTABLE === "1") return "portable";
  return process.platform === "linux" ? "linux" : "portable";
}
