import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOMY_RATE_LIMITS } from './test-latchkey.ts';

// Latchkey as operators run it: `npx tsx src/main.ts start` in its own process (and process group, so a
// SIGKILL reaches the server itself, not only the npx wrapper), on a database the test made.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildLatchkey {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  /**
   * The pid of the Latchkey server itself (from its log), below npx, sh and tsx. Signals go to it, as an
   * orchestrator signals a container's main process: npm does not relay SIGTERM, and tsx relaying a
   * signal the server also received directly may escalate to SIGKILL when the server is busy.
   */
  readonly serverPid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGKILL to the whole process group: nothing gets to clean up. */
  kill(): void;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** `command` defaults to the sources through tsx; `['npm', 'start']` runs the README's command, build included. */
export async function startChildLatchkey(env: Record<string, string>, options: { command?: readonly string[] } = {}): Promise<ChildLatchkey> {
  const port = await freePort();
  let log = '';
  const [program = 'npx', ...args] = options.command ?? ['npx', 'tsx', 'src/main.ts', 'start'];
  const child = spawn(program, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...ROOMY_RATE_LIMITS, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://latchkey.test:${port}`, LOG_LEVEL: 'info', ...env },
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; !log.includes('Latchkey is running'); ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Latchkey did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const serverPid = Number(/"pid":(\d+)[^\n]*Latchkey is running/.exec(log)?.[1]);
  return {
    baseUrl,
    serverPid,
    process: child,
    output: () => log,
    exited,
    kill: () => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/** An SMTP server that accepts connections and never says a word: a send to it hangs. */
export async function startSilentSmtp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
