// `npm run bench:scale`: sign-in and reset-request latency on a directory of 1,000 and of 1,000,000
// accounts (BENCH_SCALE_ACCOUNTS, comma-separated), each pre-imported with `users import`'s importer into
// its own database, each served by its own Latchkey process. The goal: the large directory within 10 %
// of the small one, i.e. every look-up an index look-up.
//
// This machine's speed drifts by tens of per cent over minutes (it is shared), which would swamp a 10 %
// comparison made one directory after the other. So every server runs at once and the measurement
// alternates between them in short rounds: whatever the machine does, both directories see it alike.
// Sign-ins run one at a time, so their latency is one hash plus the look-ups, without queueing.
import { hash } from '@node-rs/argon2';
import os from 'node:os';
import { sql } from 'kysely';
import { ARGON2_OPTIONS } from '../src/accounts/password-hasher.ts';
import { createDirectoryStore } from '../src/directories/directory-store.ts';
import { createDatabase, migrateToLatest } from '../src/storage/database.ts';
import { importUsers } from '../src/users/user-importer.ts';
import { startSmtpSink, type SmtpSink } from '../test/support/smtp-sink.ts';
import { outboxDrained, withBenchDatabase } from './bench-database.ts';
import { usersStream } from './generate-users.ts';
import { percentile } from './load-run.ts';
import { PASSWORD, resetRequests, signIn, warmUp } from './scenarios.ts';
import { freePort, startServer, type ServerProcess } from './server-process.ts';

const COUNTS = (process.env.BENCH_SCALE_ACCOUNTS ?? '1000,1000000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 6);
const ROUND_MS = 2000;
// Reset requests ask each account once: accounts 100.. are split among the rounds (0-49 sign in, 50-99 warm up).
const RESET_ACCOUNTS_PER_ROUND = 150;
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
  log(`  ${count} accounts imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sql`VACUUM ANALYZE accounts`.execute(db);
  await db.destroy();
}

interface Directory {
  readonly count: number;
  readonly databaseUrl: string;
  readonly server: ServerProcess;
  readonly signInMs: number[];
  readonly resetMs: number[];
}

/** One fresh database per count, nested so that all exist (and are dropped) together. */
async function withDatabases<T>(counts: readonly number[], work: (urls: string[]) => Promise<T>, urls: string[] = []): Promise<T> {
  if (urls.length === counts.length) return work(urls);
  return withBenchDatabase((url) => withDatabases(counts, work, [...urls, url]));
}

async function measure(directories: readonly Directory[], smtp: SmtpSink): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which directory goes first, so neither always follows the other's mail deliveries.
    const order = round % 2 === 0 ? directories : [...directories].reverse();
    for (const d of order) {
      const ctx = { base: d.server.baseUrl, smtp, durationMs: ROUND_MS };
      d.signInMs.push(...(await signIn({ ...ctx, concurrency: 1 })).latenciesMs);
      const resets = await resetRequests({ ...ctx, concurrency: 4, durationMs: Number.POSITIVE_INFINITY }, 100 + round * RESET_ACCOUNTS_PER_ROUND, RESET_ACCOUNTS_PER_ROUND);
      d.resetMs.push(...resets.latenciesMs);
      await outboxDrained(d.databaseUrl);
    }
  }
}

await withDatabases(COUNTS, async (urls) => {
  const smtp = await startSmtpSink();
  const directories: Directory[] = [];
  try {
    for (const [i, count] of COUNTS.entries()) {
      const databaseUrl = urls[i]!;
      log(`${count} accounts`);
      await prepare(databaseUrl, count);
      const unlimited = { RATE_LIMIT_IP_MAX: '10000000', RATE_LIMIT_IDENTIFIER_MAX: '10000000', RATE_LIMIT_DIRECTORY_MAX: '100000000' };
      const server = await startServer({ DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, LOG_LEVEL: 'warn', ...unlimited }, await freePort());
      directories.push({ count, databaseUrl, server, signInMs: [], resetMs: [] });
    }
    for (const d of directories) {
      await warmUp({ base: d.server.baseUrl, smtp }, 50, 50);
      await outboxDrained(d.databaseUrl);
    }
    log(`${ROUNDS} rounds, alternating`);
    await measure(directories, smtp);
  } finally {
    for (const d of directories) await d.server.stop();
    await smtp.close();
  }

  const base = directories[0]!;
  const ms = (values: readonly number[], p: number) => percentile(values, p).toFixed(1);
  const change = (a: readonly number[], b: readonly number[]) => `${(((percentile(b, 50) / percentile(a, 50)) - 1) * 100).toFixed(1)} %`;
  const lines = [
    '| Accounts | Sign-in p50 ms | Sign-in p95 ms | Sign-ins | Reset request p50 ms | Reset request p95 ms | Reset requests | p50 vs first row (sign-in / reset) |',
    '|---|---|---|---|---|---|---|---|',
    ...directories.map((d) => `| ${d.count.toLocaleString('en')} | ${ms(d.signInMs, 50)} | ${ms(d.signInMs, 95)} | ${d.signInMs.length} | ${ms(d.resetMs, 50)} | ${ms(d.resetMs, 95)} | ${d.resetMs.length} | ${d === base ? '—' : `${change(base.signInMs, d.signInMs)} / ${change(base.resetMs, d.resetMs)}`} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n\n${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s of sign-ins (one at a time) and ${RESET_ACCOUNTS_PER_ROUND * 2} reset requests (4 at a time) per directory, load average ${os.loadavg()[0]?.toFixed(1)}\n`);
});
