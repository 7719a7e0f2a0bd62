import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../src/storage/embedded-postgres.ts';
import { FormClient, visibleText } from '../support/form-client.ts';
import { seedAccount } from '../support/test-latchkey.ts';
import { startInstance, type Instance } from './admin-test-kit.ts';

// F5 on a PostgreSQL cluster this test owns, so it can stop and start it under a running Latchkey: while
// the database is down every page fails fast with a plain 503 and readiness says so; once it is back,
// the same process serves again without a restart.

const PASSWORD = 'restart proof passphrase 64';

async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await action();
  return { value, ms: performance.now() - start };
}

async function signIn(baseUrl: string) {
  const client = new FormClient(baseUrl, { 'accept-language': 'en' });
  const page = await client.get('/d/default/signin');
  if (page.status !== 200) return page;
  return client.post('/d/default/signin', { identifier: 'restart@example.com', password: PASSWORD });
}

describe('the database restarting under a running Latchkey', () => {
  let dir: string;
  let cluster: EmbeddedCluster;
  let instance: Instance;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'latchkey-f5-'));
    cluster = await startEmbeddedPostgres(dir);
    instance = await startInstance(cluster.url);
    await seedAccount(instance.latchkey.db, { email: 'restart@example.com', password: PASSWORD });
  });
  after(async () => {
    await instance?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('F5: while the database is down pages answer a plain 503 quickly and /readyz says 503; once it is back requests succeed without a restart', async () => {
    const { baseUrl } = instance;
    assert.match((await signIn(baseUrl)).url, /\/account$/, 'signs in before the outage');
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 200);

    await cluster.stop();

    const adminSignIn = async () => {
      const admin = new FormClient(baseUrl);
      await admin.get('/admin');
      return admin.post('/admin/signin', { email: 'ops@example.com', password: PASSWORD });
    };
    for (const attempt of [() => new FormClient(baseUrl).get('/d/default/signin'), () => signIn(baseUrl), () => new FormClient(baseUrl).get('/d/default/reset'), adminSignIn]) {
      const { value: page, ms } = await timed(attempt);
      assert.equal(page.status, 503, `${page.url}: ${page.body.slice(0, 200)}`);
      assert.ok(ms < 2000, `${page.url} answered in ${ms.toFixed(0)} ms`);
      assert.equal(page.headers.get('retry-after'), '5');
      const text = visibleText(page.body);
      assert.match(page.body, /data-error-code="error_unavailable"/);
      assert.doesNotMatch(text, /ECONNREFUSED|\bat \S+ \(|\.ts:\d+|postgres|Error:/i, 'no internals in the page');
    }
    const ready = await timed(() => fetch(`${baseUrl}/readyz`));
    assert.equal(ready.value.status, 503);
    assert.equal(((await ready.value.json()) as { status: string }).status, 'unavailable');
    assert.ok(ready.ms < 3000, `/readyz answered in ${ready.ms.toFixed(0)} ms`);
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'alive all along: no restart wanted');
    assert.equal((await fetch(`${baseUrl}/metrics`)).status, 200, 'metrics still scrape');

    await cluster.start();

    const deadline = Date.now() + 15_000;
    while ((await fetch(`${baseUrl}/readyz`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'ready again within 15 s of the database coming back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match((await signIn(baseUrl)).url, /\/account$/, 'signs in after the outage, same process');
  });
});
