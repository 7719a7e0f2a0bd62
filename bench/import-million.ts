// `npm run bench:import`: generates a file of BENCH_IMPORT_ROWS (default 1,000,000) customers with
// pre-hashed passwords, imports it into a fresh database with `latchkey users import` run exactly as an
// operator runs it, and prints the time and rows per second. The goal: a million rows within 60 s.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createDatabase } from '../src/storage/database.ts';
import { withBenchDatabase } from './bench-database.ts';
import { writeUsersFile } from './generate-users.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
// A Keycloak-style PBKDF2 hash: what a migration brings; its cost is paid at sign-in, not at import.
const HASH = '$pbkdf2-sha256$i=27500$x/bm4Y3DcuV9eU97ervkPA$1u7BLvfSPxQFpwc5jpGSA+88EGl9pZYKhaZ8YPIu9N4';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runImport(file: string, databaseUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/latchkey.js'), 'users', 'import', file], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

await withBenchDatabase(async (databaseUrl) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-import-'));
  try {
    const file = path.join(dir, 'users.jsonl');
    const generated = performance.now();
    await writeUsersFile(file, ROWS, HASH);
    const size = (await stat(file)).size;
    process.stderr.write(`generated ${ROWS} rows (${(size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - generated) / 1000).toFixed(1)} s\n`);

    const started = performance.now();
    const code = await runImport(file, databaseUrl);
    const seconds = (performance.now() - started) / 1000;
    const db = createDatabase(databaseUrl);
    const { n } = await db.selectFrom('accounts').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    await db.destroy();
    const line = `users import: ${n} of ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(n / seconds)} rows/s), exit status ${code}; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)}\n`;
    process.stdout.write(line);
    if (n !== ROWS || code !== 0) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
