import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FormClient, visibleText, type Page } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, startInstance, type Instance } from './admin-test-kit.ts';

// Rate limits through HTTP on one instance (counters in PostgreSQL); the Redis store and several
// instances are covered by several-instances.test.ts.

const SIGN_IN = '/d/default/signin';
const RESET = '/d/default/reset';

async function post(baseUrl: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
  const client = new FormClient(baseUrl, { 'accept-language': 'en', ...headers });
  await client.get(path);
  return client.post(path, fields, { follow: false });
}

const signIn = (baseUrl: string, identifier: string, headers: Record<string, string> = {}) =>
  post(baseUrl, SIGN_IN, { identifier, password: 'not the password 1' }, headers);

function assertLimited(page: Page, text: RegExp): void {
  assert.equal(page.status, 429, visibleText(page.body).slice(0, 200));
  const retryAfter = Number(page.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${page.headers.get('retry-after')}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(visibleText(page.body), text);
}

describe('rate limits (PostgreSQL counters)', () => {
  let lk: TestLatchkey;
  let proxied: Instance;

  before(async () => {
    lk = await startTestLatchkey({ RATE_LIMIT_IP_MAX: '3', RATE_LIMIT_IDENTIFIER_MAX: '1000', RATE_LIMIT_DIRECTORY_MAX: '1000' });
    await lk.setResetScope('all');
    await lk.createAccount({ email: 'known@example.com', password: 'the right password 1' });
    proxied = await startInstance(lk.databaseUrl, { TRUST_PROXY: '127.0.0.1/32', RATE_LIMIT_IP_MAX: '3', RATE_LIMIT_IDENTIFIER_MAX: '4', RATE_LIMIT_DIRECTORY_MAX: '1000', LOG_LEVEL: 'silent' });
  });
  after(async () => {
    await proxied?.close();
    await lk?.close();
  });

  it('L5: without TRUST_PROXY a spoofed X-Forwarded-For is ignored; the fourth sign-in from one address gets a plain localized 429', async () => {
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) pages.push(await signIn(lk.baseUrl, `spoof${i}@example.com`, { 'x-forwarded-for': `198.51.100.${i + 1}` }));
    assert.deepEqual(pages.map((p) => p.status), [400, 400, 400]);
    assertLimited(await signIn(lk.baseUrl, 'spoof9@example.com', { 'x-forwarded-for': '198.51.100.99' }), /Too many attempts/);
    assertLimited(await signIn(lk.baseUrl, 'spoof9@example.com', { 'accept-language': 'fr' }), /Trop de tentatives/);
    assertLimited(await signIn(lk.baseUrl, 'spoof9@example.com', { 'accept-language': 'nl' }), /Te veel pogingen/);
    // The page GET is not limited: a limited visitor can still read the form.
    assert.equal((await new FormClient(lk.baseUrl).get(SIGN_IN)).status, 200);
  });

  it('L5: with TRUST_PROXY the forwarded client address is the key: one client is limited, the next is not', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await signIn(proxied.baseUrl, `a${i}@example.com`, { 'x-forwarded-for': '203.0.113.7' })).status, 400);
    assertLimited(await signIn(proxied.baseUrl, 'a9@example.com', { 'x-forwarded-for': '203.0.113.7' }), /Too many attempts/);
    assert.equal((await signIn(proxied.baseUrl, 'b@example.com', { 'x-forwarded-for': '203.0.113.8' })).status, 400);
  });

  it('R12: the per-identifier limit refuses an existing and an unknown account at the same attempt, with the same answer', async () => {
    const statuses = async (identifier: string, base: number) => {
      const pages: Page[] = [];
      // A new client address per attempt, so only the identifier's limit (4) is in play.
      for (let i = 0; i < 6; i++) pages.push(await signIn(proxied.baseUrl, identifier, { 'x-forwarded-for': `192.0.2.${base + i}` }));
      return pages;
    };
    const known = await statuses('known@example.com', 10);
    const unknown = await statuses('nobody-here@example.com', 30);
    assert.deepEqual(known.map((p) => p.status), [400, 400, 400, 400, 429, 429]);
    assert.deepEqual(unknown.map((p) => p.status), known.map((p) => p.status));
    assert.equal(known[5]!.body, unknown[5]!.body);
    assert.deepEqual(known[5]!.setCookies.map((c) => c.split('=')[0]), unknown[5]!.setCookies.map((c) => c.split('=')[0]));
  });

  it('R12: reset requests from one address are limited alike for existing and unknown addresses', async () => {
    const headers = { 'x-forwarded-for': '192.0.2.200' };
    const first = await post(proxied.baseUrl, RESET, { email: 'known@example.com' }, headers);
    const second = await post(proxied.baseUrl, RESET, { email: 'unknown@example.com' }, headers);
    const third = await post(proxied.baseUrl, RESET, { email: 'known@example.com' }, headers);
    assert.deepEqual([first.status, second.status, third.status], [303, 303, 303]);
    const knownLimited = await post(proxied.baseUrl, RESET, { email: 'known@example.com' }, headers);
    const unknownLimited = await post(proxied.baseUrl, RESET, { email: 'unknown@example.com' }, headers);
    assertLimited(knownLimited, /Too many attempts/);
    assert.equal(knownLimited.body, unknownLimited.body);
    assert.equal(knownLimited.status, unknownLimited.status);
  });

  it('R5: a reset request has no per-identifier 429; past the send limit the answer stays the same', async () => {
    const pages: Page[] = [];
    for (let i = 0; i < 8; i++) pages.push(await post(proxied.baseUrl, RESET, { email: 'known@example.com' }, { 'x-forwarded-for': `192.0.2.${100 + i}` }));
    assert.deepEqual(new Set(pages.map((p) => p.status)), new Set([303]));
  });

  it('admin sign-in is limited per address and per administrator email', async () => {
    await createTestAdmin(lk.latchkey.db, 'ops@example.com', 'violet-harbour-lantern');
    const attempt = async (ip: string) => {
      const client = new FormClient(proxied.baseUrl, { 'x-forwarded-for': ip });
      await client.get('/admin');
      return client.post('/admin/signin', { email: 'ops@example.com', password: 'wrong-wrong-wrong' }, { follow: false });
    };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`198.18.0.${i + 1}`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
  });

  it('per directory: every attempt in a directory counts toward its limit, whatever the address and identifier', async () => {
    const small = await startInstance(lk.databaseUrl, { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_DIRECTORY_MAX: '3', LOG_LEVEL: 'silent' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await post(small.baseUrl, '/d/default/signup', { email: `dir${i}@example.com` }, { 'x-forwarded-for': `198.19.0.${i + 1}` })).status);
      assert.deepEqual(statuses, [303, 303, 303, 429, 429]);
    } finally {
      await small.close();
    }
  });
});
