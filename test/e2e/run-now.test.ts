import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFlowRunStore } from '../../src/run-now/flow-run-store.ts';
import { codeIn } from '../support/smtp-sink.ts';
import { formAction, visibleText, type Page } from '../support/form-client.ts';
import { startReachableLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, FormClient, signInAdmin } from './admin-test-kit.ts';
import { CALLBACK, registerApp, walk } from './oidc-steps.ts';

// "Run now" over HTTP: what a run may target, which mail reaches its test inbox (and which never does),
// the callback's answers to a bad or replayed return, and the sweeper that removes what has expired.

const ADMIN = { email: 'runner@example.com', password: 'violet-harbour-lantern' };
const CUSTOMER = { email: 'sem@example.com', password: 'correct horse battery staple' };

const endpointOf = (page: Page): string => {
  const value = /id="run-endpoint" readonly value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(value, 'the run page shows the run endpoint');
  return value.replace(/&#38;/g, '&').replace(/&amp;/g, '&');
};

describe('Run now', () => {
  let lk: TestLatchkey;
  let signInFlowId: string;
  before(async () => {
    lk = await startReachableLatchkey();
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    await lk.createAccount({ email: CUSTOMER.email, password: CUSTOMER.password, displayName: 'Sem de Vries' });
    await lk.setResetScope('all');
    signInFlowId = (await lk.latchkey.db.selectFrom('user_flows').select('id').where('name', '=', 'B2C_1_signin').executeTakeFirstOrThrow()).id;
  });
  after(() => lk.close());

  const runs = () => lk.latchkey.db.selectFrom('flow_runs').selectAll().execute();

  async function admin(): Promise<FormClient> {
    const client = new FormClient(lk.baseUrl);
    await signInAdmin(client, ADMIN.email, ADMIN.password);
    return client;
  }

  /** Starts a run for the option whose label matches, and returns the run page. */
  async function startRun(client: FormClient, label: RegExp, flowId = signInFlowId): Promise<Page> {
    const form = await client.get(`/admin/d/default/user-flows/${flowId}/run`);
    const option = [...form.body.matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].find((m) => label.test(m[2]!));
    assert.ok(option, `an option ${label}`);
    return client.post(formAction(form.body, 'Run user flow'), { target: option[1]!.replace(/&#38;/g, '&'), ui_locales: '' });
  }

  /** The customer side of a run: from the endpoint to the reset code page, for an address. */
  async function requestResetInRun(endpoint: string, email: string): Promise<FormClient> {
    const browser = new FormClient(lk.baseUrl);
    const signIn = await walk(browser, await browser.get(endpoint, { follow: false }));
    assert.ok('body' in signIn && signIn.status === 200);
    const interaction = new URL(signIn.url).pathname;
    const request = await browser.get(`${interaction}/reset`);
    assert.equal(request.status, 200);
    await browser.post(formAction(request.body), { email });
    return browser;
  }

  it('offers the test application and the applications allowed the flow; a tampered target is refused and starts nothing', async () => {
    await registerApp(lk, { flows: ['B2C_1_signin'], redirectUris: [CALLBACK, 'https://app.example/other'] });
    const { application: other } = await registerApp(lk, { flows: ['B2C_1_passwordreset'] });
    const client = await admin();
    const form = await client.get(`/admin/d/default/user-flows/${signInFlowId}/run`);
    const options = [...form.body.matchAll(/<option value="([^"]+)">/g)].map((m) => m[1]!);
    assert.ok(options.some((o) => o.endsWith('/admin/d/default/run/callback')), 'the test application');
    assert.ok(options.some((o) => o.endsWith(' https://app.example/other')), 'every reply URL of an allowed application');
    assert.ok(!options.some((o) => o.startsWith(other.id)), 'not an application that may not start this flow');

    const before = (await runs()).length;
    for (const target of [`${other.id} ${CALLBACK}`, `${options[0]!.split(' ')[0]} https://evil.example/cb`, 'x'.repeat(5000), '']) {
      const page = await client.post(formAction(form.body, 'Run user flow'), { target });
      assert.equal(page.status, 400);
      assert.match(visibleText(page.body), /Choose one of the applications and reply URLs offered/);
    }
    assert.equal((await client.post(formAction(form.body, 'Run user flow'), { target: options[0]!, ui_locales: 'xx' })).status, 400);
    assert.equal((await runs()).length, before);
  });

  it('a run with a registered application sends the customer to that application’s reply URL with a code', async () => {
    const client = await admin();
    const runPage = await startRun(client, /→ https:\/\/app\.example\/other/);
    assert.equal(runPage.status, 200);
    const endpoint = new URL(endpointOf(runPage));
    assert.equal(endpoint.searchParams.get('redirect_uri'), 'https://app.example/other');
    assert.equal(endpoint.searchParams.get('code_challenge_method'), 'S256');
    const browser = new FormClient(lk.baseUrl);
    const signIn = await walk(browser, await browser.get(endpoint.href, { follow: false }));
    assert.ok('body' in signIn);
    const landed = await walk(browser, await browser.post(formAction(signIn.body), { identifier: CUSTOMER.email, password: CUSTOMER.password }, { follow: false }));
    assert.ok('callback' in landed);
    assert.equal(`${landed.callback.origin}${landed.callback.pathname}`, 'https://app.example/other');
    assert.ok(landed.callback.searchParams.get('code'));
    assert.equal(landed.callback.searchParams.get('state'), endpoint.searchParams.get('state'));
  });

  it('mail sent inside a run reaches its test inbox, sealed at rest; the same reset outside a run does not', async () => {
    const client = await admin();
    const runPage = await startRun(client, /Latchkey test application/);
    const runPath = new URL(runPage.url).pathname;
    await requestResetInRun(endpointOf(runPage), CUSTOMER.email);
    const mail = await lk.smtp.waitFor((m) => m.to.includes(CUSTOMER.email));
    await lk.latchkey.dispatcher.drainOnce();
    const inbox = await client.get(`${runPath}/inbox`);
    assert.match(visibleText(inbox.body), /Test inbox 1/);
    assert.ok(inbox.body.includes(codeIn(mail)), 'the inbox shows the code the customer was sent');
    const stored = await lk.latchkey.db.selectFrom('flow_run_messages').select('content_sealed').execute();
    assert.equal(stored.length, 1);
    assert.ok(!stored[0]!.content_sealed.includes(codeIn(mail)), 'the copy is sealed');

    // A customer reset with no run: no run tag, nothing in any inbox.
    const plain = new FormClient(lk.baseUrl);
    const page = await plain.get('/d/default/reset');
    await plain.post(formAction(page.body), { email: CUSTOMER.email });
    const untagged = await lk.latchkey.db.selectFrom('flows').select('run_id').where('kind', '=', 'password_reset').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal(untagged.run_id, null);
    await lk.latchkey.dispatcher.drainOnce();
    assert.equal((await lk.latchkey.db.selectFrom('flow_run_messages').select('id').execute()).length, 1);
  });

  it('a run key carried by another application’s authorize request tags nothing; a malformed one is refused', async () => {
    const client = await admin();
    const runPage = await startRun(client, /Latchkey test application/);
    const runKey = new URL(endpointOf(runPage)).searchParams.get('latchkey_run')!;
    const { application } = await registerApp(lk);
    const forged = new URL(`${lk.baseUrl}/d/default/oauth2/authorize`);
    for (const [k, v] of Object.entries({ client_id: application.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', latchkey_run: runKey })) forged.searchParams.set(k, v);
    await requestResetInRun(forged.href, 'nobody@example.com');
    const flow = await lk.latchkey.db.selectFrom('flows').select('run_id').where('identifier_canonical', '=', 'nobody@example.com').executeTakeFirstOrThrow();
    assert.equal(flow.run_id, null);

    forged.searchParams.set('latchkey_run', 'not a key');
    const refused = await fetch(forged, { redirect: 'manual' });
    assert.equal(new URL(refused.headers.get('location') ?? '', lk.baseUrl).searchParams.get('error'), 'invalid_request');
  });

  it('the callback: an unknown state, an error from the flow, and a replayed code each get a clear page', async () => {
    const client = await admin();
    const unknown = await client.get('/admin/d/default/run/callback?state=nope&code=abc');
    assert.equal(unknown.status, 404);
    assert.match(visibleText(unknown.body), /This run has ended or is unknown/);
    assert.equal((await client.get('/admin/d/default/run/callback')).status, 404);

    const runPage = await startRun(client, /Latchkey test application/);
    const state = new URL(endpointOf(runPage)).searchParams.get('state')!;
    const denied = await client.get(`/admin/d/default/run/callback?state=${state}&error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}`);
    assert.equal(denied.status, 400);
    assert.match(visibleText(denied.body), /The user flow ended with an error: access_denied \(<b>no<\/b>\)/);
    assert.ok(!denied.body.includes('<b>no</b>'), 'escaped');

    // Through to the token viewer, then the same callback again: the code was used once.
    const browser = new FormClient(lk.baseUrl);
    for (const [name, value] of client.cookies) browser.cookies.set(name, value);
    const signIn = await walk(browser, await browser.get(endpointOf(runPage), { follow: false }));
    assert.ok('body' in signIn);
    const viewer = await browser.post(formAction(signIn.body), { identifier: CUSTOMER.email, password: CUSTOMER.password });
    assert.equal(viewer.status, 200, visibleText(viewer.body).slice(0, 300));
    assert.match(visibleText(viewer.body), /Token viewer/);
    assert.match(visibleText(viewer.body), /tfp B2C_1_signin/);
    const replay = await browser.get(viewer.url);
    assert.equal(replay.status, 400);
    assert.match(visibleText(replay.body), /The authorization code could not be exchanged: invalid_grant/);
  });

  it('run pages, inboxes and the callback are for signed-in administrators only', async () => {
    const [run] = await runs();
    const anonymous = new FormClient(lk.baseUrl);
    for (const path of [`/admin/d/default/runs/${run!.id}`, `/admin/d/default/runs/${run!.id}/inbox`, '/admin/d/default/run/callback?state=x&code=y', `/admin/d/default/user-flows/${signInFlowId}/run`]) {
      const page = await anonymous.get(path, { follow: false });
      assert.equal(page.status, 303, path);
      assert.match(page.headers.get('location') ?? '', /^\/admin/);
    }
  });

  it('the sweeper removes expired runs with their inboxes, and expired provider rows, and keeps live ones', async () => {
    const db = lk.latchkey.db;
    const live = (await runs()).length;
    assert.ok(live > 0);
    const [first] = await runs();
    await db.updateTable('flow_runs').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', first!.id).execute();
    const directory = await db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
    await db.insertInto('oidc_payloads').values([
      { model: 'Session', id: 'expired-one', directory_id: directory.id, payload: {}, expires_at: new Date(Date.now() - 1000) },
      { model: 'Session', id: 'live-one', directory_id: directory.id, payload: {}, expires_at: new Date(Date.now() + 60_000) },
    ]).execute();
    const swept = await lk.latchkey.sweeper.sweepOnce();
    assert.equal(swept.runs, 1);
    assert.ok(swept.oidcPayloads >= 1);
    assert.equal((await runs()).length, live - 1);
    const ids = (await db.selectFrom('oidc_payloads').select('id').where('model', '=', 'Session').execute()).map((r) => r.id);
    assert.ok(ids.includes('live-one') && !ids.includes('expired-one'));
    assert.equal(await createFlowRunStore(db, Buffer.alloc(32)).findLive(directory.id, first!.id), undefined);
  });
});
