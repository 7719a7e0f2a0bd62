// `npm run bench`: starts Latchkey as its own process on PostgreSQL, seeds customers, drives each
// scenario through the real pages at a fixed concurrency, and writes BENCHMARKS.md. The headline
// figures are ratios taken in this one run, because these machines are shared and noisy.
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/accounts/password-hasher.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../src/domain/identifier.ts';
import { createDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';
import { argon2VerificationsPerSecond } from './argon2-baseline.ts';
import { outboxDrained } from './bench-database.ts';
import type { RunResult } from './load-run.ts';
import { codeVerification, emailOf, PASSWORD, requestCodes, resetRequests, resetRoundTrip, signIn, signInPage, warmUp } from './scenarios.ts';
import { freePort, startServer, type ServerProcess } from './server-process.ts';
import { cpuBetween, cpuSnapshot } from './machine-cpu.ts';
import { renderReport, withKeptSections, type Measured } from './report.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const cores = os.availableParallelism();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function seed(databaseUrl: string, count: number): Promise<void> {
  const db = createDatabase(databaseUrl);
  // One hash for every account: seeding is not what is measured, and verification costs the same.
  const passwordHash = await hash(PASSWORD.normalize('NFKC'), ARGON2_OPTIONS);
  const directory = await db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
  await db.updateTable('directories').set({ reset_scope: 'all' }).where('id', '=', directory.id).execute();
  for (let from = 0; from < count; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({
      directory_id: directory.id,
      email: emailOf(from + i),
      email_canonical: canonicalize(emailOf(from + i)),
      email_verified: true,
      display_name: `Bench ${from + i}`,
      password_hash: passwordHash,
    }));
    await db.insertInto('accounts').values(rows).execute();
  }
  await db.destroy();
}

/** Runs one scenario and reads the CPU time (the server's and the machine's) and the server's peak RSS around it. */
async function measure<T extends RunResult>(server: ServerProcess, run: () => Promise<T>, after?: () => Promise<void>): Promise<Measured<T>> {
  let peakRss = await server.rssMb();
  const sampler = setInterval(() => void server.rssMb().then((mb) => (peakRss = Math.max(peakRss, mb))), 200);
  const before = await cpuSnapshot(server.pid);
  const result = await run();
  await after?.();
  const cpu = cpuBetween(before, await cpuSnapshot(server.pid));
  clearInterval(sampler);
  return { result, cpu, cpuMsPerRequest: cpu.serverMs / Math.max(1, result.requests), peakRssMb: Math.max(peakRss, await server.rssMb()) };
}

async function main(): Promise<void> {
  let serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  let stopCluster: (() => Promise<void>) | undefined;
  let clusterDir: string | undefined;
  if (!serverUrl) {
    clusterDir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-bench-pg-'));
    const cluster = await startEmbeddedPostgres(clusterDir, { persistent: false });
    stopCluster = cluster.stop;
    serverUrl = cluster.url;
  }
  process.env.TEST_DATABASE_URL = serverUrl;
  const database = await createTestDatabase();
  const smtp = await startSmtpSink();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const loadAtStart = os.loadavg()[0] ?? 0;

  // Every request still passes through the rate limiter and pays for its counters; the limits are only
  // raised so that one load generator on one address is never refused.
  const unlimited = { RATE_LIMIT_IP_MAX: '10000000', RATE_LIMIT_IDENTIFIER_MAX: '10000000', RATE_LIMIT_DIRECTORY_MAX: '100000000' };
  const server = await startServer({ DATABASE_URL: database.url, SMTP_URL: smtp.url, LOG_LEVEL: 'warn', MAIL_RETRY_BASE_MS: '100', ...unlimited }, await freePort());
  try {
    await seed(database.url, 12000);
    const ctx = { base: server.baseUrl, smtp, durationMs: SECONDS * 1000 };
    log('warm-up (not measured)');
    await warmUp(ctx, 9000, 3000);
    await outboxDrained(database.url);
    log('sign-in page GET');
    const page = await measure(server, () => signInPage({ ...ctx, concurrency: 16 }));
    // The machine's speed drifts within minutes, so its own hashing rate is taken right before and right
    // after the sign-ins it is compared with.
    const baseline = () => (log(`argon2id baseline: ${cores} in flight for ${SECONDS} s`), argon2VerificationsPerSecond(cores, SECONDS * 1000));
    const rawBefore = await baseline();
    log('sign-in, right password');
    const signIns = await measure(server, () => signIn({ ...ctx, concurrency: cores * 4 }));
    const rawVerifications = [rawBefore, await baseline()] as const;
    log('reset requests, existing and unknown addresses interleaved');
    let resetMail = { pending: 0, ms: 0 };
    const resets = await measure(server, () => resetRequests({ ...ctx, concurrency: 8 }, 1000, 5000), async () => {
      resetMail = await outboxDrained(database.url);
    });
    log('code verification');
    const codes = await requestCodes({ ...ctx, concurrency: 8 }, 6000, 600);
    // Their mail is delivered before the timed run, so its CPU is not counted against verification.
    await outboxDrained(database.url);
    const verify = await measure(server, () => codeVerification({ ...ctx, concurrency: 8 }, codes));
    log('full reset round trip');
    const roundTrip = await measure(server, () => resetRoundTrip({ ...ctx, concurrency: 4 }, 6600, 2400));
    const report = renderReport({
      date: new Date(),
      machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      load: [loadAtStart, os.loadavg()[0] ?? 0],
      cores,
      seconds: SECONDS,
      rawVerifications,
      page, signIns, resets, resetMail, verify, roundTrip,
    });
    const file = path.join(root, 'BENCHMARKS.md');
    await writeFile(file, withKeptSections(report, await readFile(file, 'utf8').catch(() => '')));
    process.stdout.write(report);
  } finally {
    await server.stop();
    await smtp.close();
    await database.drop();
    await stopCluster?.();
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  }
}

await main();
