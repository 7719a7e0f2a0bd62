// `npm test`: starts one embedded PostgreSQL cluster for the whole run unless TEST_DATABASE_URL names a
// server, then runs every *.test.ts file under test/ through node's test runner (Node 20's runner does
// not expand globs, so the files are listed here), and stops the cluster.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';

const root = path.dirname(fileURLToPath(import.meta.url));

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(full);
      return Promise.resolve(entry.name.endsWith('.test.ts') ? [full] : []);
    }),
  );
  return nested.flat().sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only.map((f) => path.resolve(f)) : await testFiles(root);
let stopCluster: (() => Promise<void>) | undefined;
let clusterDir: string | undefined;
const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  clusterDir = await mkdtemp(path.join(tmpdir(), 'latchkey-test-pg-'));
  const cluster = await startEmbeddedPostgres(clusterDir, { persistent: false });
  stopCluster = cluster.stop;
  // Per-test databases are created from this one; the user owns the cluster and may create them.
  env.TEST_DATABASE_URL = cluster.url;
  process.stdout.write(`embedded PostgreSQL for this run: ${cluster.url.replace(/:[^:@/]+@/, ':***@')}\n`);
}

// Tests that measure time (F3's page latency under a sign-in flood, R13's timing medians, and L3's and
// the portal's: an unknown account costs what a wrong password does) run after the others, one file at a
// time, so they measure Latchkey rather than the test file running beside them. Hashing gives way to
// any other work on the machine (hash-threads.ts), so a busy neighbour stretches hashes most of all.
const TIMED = /[/\\](sign-in-flood|password-reset-enumeration|sign-in|admin-sign-in)\.test\.ts$/;
const run = (batch: string[], concurrency: number) =>
  batch.length === 0
    ? Promise.resolve(0)
    : new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...batch], { stdio: 'inherit', env });
        child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
      });
const parallel = await run(files.filter((f) => !TIMED.test(f)), 2);
const timed = await run(files.filter((f) => TIMED.test(f)), 1);
const code = parallel || timed;
await stopCluster?.();
if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
process.exit(code);
