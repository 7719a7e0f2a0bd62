import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createLatchkey, type Latchkey } from '../../src/app.ts';
import { csrfToken, formAction } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { customer, flowIdOf, requestCodeAndRead } from './password-reset-steps.ts';

// R6 across two Latchkey instances sharing one database, as behind a load balancer.

describe('password reset: a code is single-use under concurrency', () => {
  let lk: TestLatchkey;
  let second: Latchkey;
  let secondUrl: string;

  before(async () => {
    lk = await startTestLatchkey();
    await lk.setResetScope('all');
    second = await createLatchkey(lk.config, pino({ level: 'silent' }), lk.databaseUrl);
    await second.server.listen({ port: 0, host: '127.0.0.1' });
    const address = second.server.server.address();
    secondUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await second?.close();
    await lk?.close();
  });

  it('R6: 20 parallel submissions of the valid code, across two instances, succeed exactly once', async () => {
    await lk.createAccount({ email: 'r6@example.com', password: 'the old password 1' });
    const client = customer(lk);
    const code = await requestCodeAndRead(lk, client, 'r6@example.com');
    const flowId = flowIdOf(client.last!);
    const action = formAction(client.last!.body, 'Verify code');
    const body = new URLSearchParams({ _csrf: csrfToken(client.last!.body)!, code }).toString();
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(new URL(action, i % 2 ? secondUrl : lk.baseUrl), {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'accept-language': 'en' },
          body,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 303).length, 1, `statuses: ${statuses.join(',')}`);
    assert.ok(statuses.every((s) => s === 303 || s === 409), `no 5xx: ${statuses.join(',')}`);
    const verified = await lk.latchkey.db.selectFrom('audit_events').select('id').where('type', '=', 'reset_code_verified').execute();
    assert.equal(verified.length, 1);
    const flow = await lk.latchkey.db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirstOrThrow();
    assert.equal(flow.state, 'code_verified');
    assert.equal(flow.code_hmac, null);
  });
});
