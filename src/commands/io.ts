/** What a command may touch of the outside world; cli.ts provides the real one, tests may not need to. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard input as bytes (the caller decides whether they are text). */
  readStdin(): Promise<Buffer>;
}

export function processIo(): CommandIo {
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
      if (process.stdin.isTTY) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

export function printHelp(io: CommandIo, text: string): number {
  io.out(text);
  return 0;
}
