// `npm run bench:statement`: the CPU one SQL statement costs the process that sends it (Kysely and
// node-postgres over a loopback connection), the unit a request's server CPU is mostly made of: a reset
// request sends six and its mail three more. `SELECT 1` keeps PostgreSQL's share out of the way; the
// figure is the client's, read from process.cpuUsage(), at one statement in flight and at eight (the
// concurrency of `npm run bench`'s reset scenario).
import os from 'node:os';
import { sql } from 'kysely';
import { createDatabase } from '../src/storage/database.ts';
import { withBenchDatabase } from './bench-database.ts';

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 5000);

await withBenchDatabase(async (databaseUrl) => {
  const db = createDatabase(databaseUrl);
  try {
    /** CPU milliseconds per statement with `inFlight` sent at a time, after a warm-up of a tenth as many. */
    const perStatement = async (inFlight: number, count: number): Promise<number> => {
      let sent = 0;
      const run = () => Promise.all(Array.from({ length: inFlight }, async () => {
        while (sent++ < count) await sql`SELECT 1`.execute(db);
      }));
      const before = process.cpuUsage();
      await run();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000 / count;
    };
    await perStatement(8, STATEMENTS / 10);
    const rows: string[] = [];
    for (const inFlight of [1, 8]) {
      const runs = [await perStatement(inFlight, STATEMENTS), await perStatement(inFlight, STATEMENTS), await perStatement(inFlight, STATEMENTS)];
      rows.push(`| ${inFlight} | ${runs.map((ms) => ms.toFixed(3)).join(' / ')} |`);
    }
    process.stdout.write(`| Statements in flight | Client CPU ms per statement (three runs) |
|---|---|
${rows.join('\n')}

${STATEMENTS} statements a run, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)}
`);
  } finally {
    await db.destroy();
  }
});
