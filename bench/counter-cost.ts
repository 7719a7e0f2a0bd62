// `npm run bench:counters`: what one request's rate-limit counters cost when they live in PostgreSQL (no
// REDIS_URL): PostgreSQL's CPU, read from /proc for all its processes, and the sending process's, per
// request's three counters (address, identifier, directory), eight requests in flight as in
// `npm run bench`'s reset scenario. BENCH_COMPARE_STORE names another version's
// postgres-counter-store.ts (from a checkout of an older commit, say) to measure alternately with this
// one, in the same database; its migrations must be a subset of this version's.
import os from 'node:os';
import { createPostgresCounterStore } from '../src/rate-limits/postgres-counter-store.ts';
import type { CounterStore, LimitRules } from '../src/rate-limits/counter-store.ts';
import { createDatabase, migrateToLatest } from '../src/storage/database.ts';
import { withBenchDatabase } from './bench-database.ts';
import { postgresCpuMs } from './machine-cpu.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
// Limits no request reaches, so every request touches all three counters.
const RULES: LimitRules = { ip: { max: 10_000_000, windowSeconds: 60 }, identifier: { max: 10_000_000, windowSeconds: 300 }, directory: { max: 100_000_000, windowSeconds: 60 } };

await withBenchDatabase(async (databaseUrl) => {
  const db = createDatabase(databaseUrl);
  try {
    await migrateToLatest(db);
    const stores: Array<[string, CounterStore]> = [['this version', createPostgresCounterStore(db, RULES)]];
    const compare = process.env.BENCH_COMPARE_STORE;
    if (compare) {
      const other = (await import(compare)) as { createPostgresCounterStore: typeof createPostgresCounterStore };
      stores.push([compare, other.createPostgresCounterStore(db, RULES)]);
    }
    let request = 0;
    /** CPU milliseconds per request (PostgreSQL's, this process's), `count` requests eight at a time. */
    const measure = async (store: CounterStore, count: number): Promise<[number, number]> => {
      const pgBefore = await postgresCpuMs();
      const before = process.cpuUsage();
      let sent = 0;
      await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
        while (sent++ < count) {
          const n = request++;
          const verdict = await store.take([{ scope: 'ip', key: `reset:198.51.100.${n % 50}` }, { scope: 'identifier', key: `reset:${n}` }, { scope: 'directory', key: `reset:${worker}` }]);
          if (!verdict.allowed) throw new Error('a counter refused: the limits are meant to be out of reach');
        }
      }));
      const used = process.cpuUsage(before);
      return [((await postgresCpuMs()) - pgBefore) / count, (used.user + used.system) / 1000 / count];
    };
    for (const [, store] of stores) await measure(store, REQUESTS / 10);
    const rows: string[] = [];
    for (let round = 1; round <= 3; round++) {
      for (const [name, store] of stores) {
        const [postgres, client] = await measure(store, REQUESTS);
        rows.push(`| ${round} | ${name} | ${postgres.toFixed(3)} | ${client.toFixed(3)} |`);
      }
    }
    process.stdout.write(`| Round | Counter store | PostgreSQL CPU ms per request | Client CPU ms per request |
|---|---|---|---|
${rows.join('\n')}

${REQUESTS} requests of three counters a round, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)}
`);
  } finally {
    await db.destroy();
  }
});
