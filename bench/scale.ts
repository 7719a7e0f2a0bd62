// `npm run bench:scale`: sign-in and reset-request latency on a directory of 1,000 and of 1,000,000
// accounts (BENCH_SCALE_ACCOUNTS, comma-separated), each pre-imported with `users import`'s importer into
// a fresh database, Latchkey running as its own process. The goal: the large directory within 10 % of
// the small one, i.e. every look-up an index look-up.
import { hash } from '@node-rs/argon2';
import os from 'node:os';
import { sql } from 'kysely';
import { ARGON2_OPTIONS } from '../src/accounts/password-hasher.ts';
import { createDirectoryStore } from '../src/directories/directory-store.ts';
import { createDatabase, migrateToLatest } from '../src/storage/database.ts';
import { importUsers } from '../src/users/user-importer.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';
import { withBenchDatabase } from './bench-database.ts';
import { usersStream } from './generate-users.ts';
import { percentile, type RunResult } from './load-run.ts';
import { PASSWORD, resetRequests, signIn } from './scenarios.ts';
import { freePort, startServer } from './server-process.ts';

const COUNTS = (process.env.BENCH_SCALE_ACCOUNTS ?? '1000,1000000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function prepare(databaseUrl: string, count: number): Promise<void> {
  const db = createDatabase(databaseUrl, { max: 4 });
  await migrateToLatest(db);
  const directory = await createDirectoryStore(db).ensureDefault();
  await db.updateTable('directories').set({ reset_scope: 'all' }).where('id', '=', directory.id).execute();
  // Latchkey's own argon2id, kept as it is (no pepper here): sign-in must not re-hash while measured.
  const passwordHash = await hash(PASSWORD.normalize('NFKC'), ARGON2_OPTIONS);
  const started = Date.now();
  const result = await importUsers(db, usersStream(count, passwordHash), {
    directory, format: 'jsonl', peppered: true,
    onProblem: (p) => { throw new Error(`line ${p.line}: ${p.reason}`); },
  });
  log(`  imported ${result.imported} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sql`VACUUM ANALYZE accounts`.execute(db);
  await db.destroy();
}

interface Row { readonly count: number; readonly signIn: RunResult; readonly reset: RunResult }

const ms = (r: RunResult, p: number) => percentile(r.latenciesMs, p).toFixed(1);

async function measure(count: number): Promise<Row> {
  return withBenchDatabase(async (databaseUrl) => {
    log(`${count} accounts`);
    await prepare(databaseUrl, count);
    const smtp = await startSmtpSink();
    const unlimited = { RATE_LIMIT_IP_MAX: '10000000', RATE_LIMIT_IDENTIFIER_MAX: '10000000', RATE_LIMIT_DIRECTORY_MAX: '100000000' };
    const server = await startServer({ DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, LOG_LEVEL: 'warn', ...unlimited }, await freePort());
    try {
      const ctx = { base: server.baseUrl, smtp, durationMs: SECONDS * 1000 };
      const signIns = await signIn({ ...ctx, concurrency: os.availableParallelism() * 2 });
      // The same 900 accounts in both runs (the first 100 sign in), each asked once, interleaved with unknown addresses.
      const resets = await resetRequests({ ...ctx, concurrency: 8 }, 100, 900);
      return { count, signIn: signIns, reset: resets };
    } finally {
      await server.stop();
      await smtp.close();
    }
  });
}

const rows: Row[] = [];
for (const count of COUNTS) rows.push(await measure(count));
const base = rows[0]!;
const change = (a: RunResult, b: RunResult) => `${(((percentile(b.latenciesMs, 50) / percentile(a.latenciesMs, 50)) - 1) * 100).toFixed(1)} %`;
const lines = [
  '| Accounts | Sign-in p50 ms | Sign-in p95 ms | Sign-ins | Reset request p50 ms | Reset request p95 ms | Reset requests | p50 vs first row (sign-in / reset) |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.count.toLocaleString('en')} | ${ms(r.signIn, 50)} | ${ms(r.signIn, 95)} | ${r.signIn.requests} | ${ms(r.reset, 50)} | ${ms(r.reset, 95)} | ${r.reset.requests} | ${change(base.signIn, r.signIn)} / ${change(base.reset, r.reset)} |`),
];
process.stdout.write(`${lines.join('\n')}\n\n${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, ${SECONDS} s per scenario, load average ${os.loadavg()[0]?.toFixed(1)}\n`);
