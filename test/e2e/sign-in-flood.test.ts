import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { csrfToken, FormClient } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// F3: hashing is bounded (a few verifications run at once, a bounded queue waits, 503 "busy" beyond
// it), so a sign-in flood saturates hashing and nothing else. The flood comes from another thread and
// shares the machine's cores with the server and PostgreSQL: a small, busy host.

const FLOODERS = 60;
const PAGE_LOADS = 100;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

/** The hashing gauges, as an operator would read them from /metrics. */
async function hashing(lk: TestLatchkey): Promise<{ running: number; queued: number }> {
  const text = await (await fetch(`${lk.baseUrl}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { running: gauge('latchkey_hash_in_flight'), queued: gauge('latchkey_hash_queue_length') };
}

/** A client that has loaded the sign-in page, and the CSRF token it may keep posting with. */
async function primed(baseUrl: string): Promise<{ client: FormClient; token: string }> {
  const client = new FormClient(baseUrl);
  const page = await client.get('/d/default/signin');
  return { client, token: csrfToken(page.body) ?? '' };
}

describe('sign-in flood', () => {
  let lk: TestLatchkey;
  let small: TestLatchkey;

  before(async () => {
    lk = await startTestLatchkey();
    small = await startTestLatchkey({ HASH_QUEUE_LIMIT: '5', HASH_CONCURRENCY: '1' });
  });
  after(async () => {
    await small?.close();
    await lk?.close();
  });

  it('F3: with 60 sign-ins in flight saturating hashing, the sign-in page keeps p99 under 100 ms', async (t) => {
    const worker = fork(fileURLToPath(new URL('./sign-in-flood-worker.ts', import.meta.url)), [lk.baseUrl, String(FLOODERS)], { execArgv: ['--import', 'tsx'] });
    const done = new Promise<{ signInTimes: number[]; statuses: number[] }>((resolve, reject) => {
      worker.once('message', (message) => resolve(message as { signInTimes: number[]; statuses: number[] }));
      worker.once('error', reject);
    });
    // Measure only once the flood has filled the hashing queue.
    let saturated = await hashing(lk);
    for (const deadline = Date.now() + 30_000; !(saturated.running > 0 && saturated.queued > 0) && Date.now() < deadline; saturated = await hashing(lk)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // 100 page loads spread over the flood, one at a time, as visitors arriving while it lasts.
    const reader = new FormClient(lk.baseUrl);
    const timings: number[] = [];
    for (let i = 0; i < PAGE_LOADS; i++) {
      const start = performance.now();
      const page = await reader.get('/d/default/signin');
      timings.push(performance.now() - start);
      assert.equal(page.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const stillSaturated = await hashing(lk);
    worker.send('stop');
    const { signInTimes, statuses } = await done;

    const p99 = percentile(timings, 99);
    const signInMedian = percentile(signInTimes, 50);
    t.diagnostic(`sign-in page during the flood over ${timings.length} loads: p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${percentile(timings, 95).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; sign-in median ${signInMedian.toFixed(0)} ms over ${signInTimes.length}; hashing ${JSON.stringify(saturated)} then ${JSON.stringify(stillSaturated)}`);
    assert.deepEqual(statuses, [400], 'every flooding sign-in was evaluated and refused; none failed');
    // Saturated throughout: hashing busy with a queue waiting, at the start and at the end of the measure.
    for (const stats of [saturated, stillSaturated]) assert.ok(stats.running > 0 && stats.queued > 0, JSON.stringify(stats));
    assert.ok(signInMedian > 5 * percentile(timings, 50), `sign-ins queued: median ${signInMedian.toFixed(0)} ms`);
    assert.ok(p99 < 100, `sign-in page p99 ${p99.toFixed(1)} ms during the flood`);
  });

  it('F3: past the bounded hashing queue, sign-ins are turned away at once with 503 "busy", never queued without end', async () => {
    const clients = await Promise.all(Array.from({ length: 30 }, () => primed(small.baseUrl)));
    const results = await Promise.all(
      clients.map(async ({ client, token }, i) => {
        const start = performance.now();
        const page = await client.post('/d/default/signin', { _csrf: token, identifier: `busy-${i}@example.com`, password: 'whatever it is' });
        return { status: page.status, ms: performance.now() - start, retryAfter: page.headers.get('retry-after') };
      }),
    );
    const busy = results.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, results.map((r) => r.status).join(','));
    assert.ok(results.every((r) => r.status === 400 || r.status === 503));
    assert.ok(busy.every((r) => r.retryAfter === '5'));
    const slowestRefused = Math.max(...results.filter((r) => r.status === 400).map((r) => r.ms));
    assert.ok(percentile(busy.map((r) => r.ms), 50) < slowestRefused, '"busy" answers come without waiting for hashing');
  });
});
