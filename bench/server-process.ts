import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Latchkey under test runs as its own process, started exactly as `npm start` starts it (the build, then
// the node command the script ends with), so its CPU time and resident memory can be read from /proc
// apart from the load generator's, and are those of the server an operator runs.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  readonly baseUrl: URL;
  readonly pid: number;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `npm start` is `npm run build && node … dist/main.js start`: the node arguments, read from package.json so the two cannot drift. */
async function npmStartNodeArgs(): Promise<string[]> {
  const { scripts } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...args] = (scripts.start ?? '').split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  if (program !== 'node') throw new Error(`package.json's start script no longer ends with a node command: ${scripts.start}`);
  return args;
}

export async function startServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: root });
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the server while it is measured.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...(await npmStartNodeArgs())], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Ready when the sign-in page answers; the log may be too quiet to say so.
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`Latchkey exited with ${code}:\n${output}`))));
  const ready = (async () => {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/d/default/signin`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Latchkey did not answer within 60 s:\n${output}`);
  })();
  await Promise.race([ready, exited]);
  const pid = child.pid ?? 0;
  return {
    baseUrl: new URL(`http://127.0.0.1:${port}`),
    pid,
    async rssMb() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => resolve(clearTimeout(timer)));
      });
    },
  };
}
