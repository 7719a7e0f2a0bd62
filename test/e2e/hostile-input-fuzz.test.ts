import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { csrfToken, FormClient } from '../support/form-client.ts';
import { startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';
import { createTestAdmin, signInAdmin } from './admin-test-kit.ts';
import { CALLBACK, registerApp } from './oidc-steps.ts';
import { requestCode } from './password-reset-steps.ts';

// Every route Latchkey has (collected as they are added, so a new one is covered without touching this
// file), fed malformed, oversized and hostile input, with and without a valid CSRF token, signed in as a
// customer and as an administrator. Nothing may answer 5xx, the process keeps serving, and nothing is
// written: every request sent is invalid, so no row may appear.

const PASSWORD = 'fuzzing target passphrase 19';
const ADMIN = { email: 'fuzz-admin@example.com', password: 'fuzz admin passphrase 2024' };
const FIELDS = ['identifier', 'email', 'username', 'password', 'new_password', 'confirm_password', 'current_password', 'code', 'display_name', 'token', 'reset_scope', 'redirect_uris', 'client_type', 'flows', 'next', 'grant_type', 'client_id', 'redirect_uri', 'ui_locales'];
const COUNTED = ['accounts', 'flows', 'outbox', 'audit_events', 'sessions', 'admin_sessions', 'applications'] as const;
// Valid with no field at all, so a request to them with a good CSRF token would legitimately write.
const VALID_WITHOUT_FIELDS = /\/(signout|resend|continue|rotate|delete)$|\/branding\/reset$/;
const MEGABYTE = 'A'.repeat(1024 * 1024);

interface Payload {
  readonly name: string;
  readonly contentType?: string;
  readonly body: (csrf: string | undefined) => string | Blob;
}

const form = (value: (field: string) => string) => (csrf: string | undefined) =>
  [...(csrf ? [`_csrf=${encodeURIComponent(csrf)}`] : []), ...FIELDS.map((f) => `${f}=${value(f)}`)].join('&');
const json = (value: unknown) => (csrf: string | undefined) => JSON.stringify({ ...(csrf ? { _csrf: csrf } : {}), ...Object.fromEntries(FIELDS.map((f) => [f, value])) });
const URLENCODED = 'application/x-www-form-urlencoded';

const PAYLOADS: readonly Payload[] = [
  { name: 'every field repeated', contentType: URLENCODED, body: (csrf) => `${form(() => 'a')(csrf)}&${form(() => 'fuzz@example.com')(undefined)}` },
  { name: 'NUL bytes', contentType: URLENCODED, body: form((f) => `fuzz%00${f}%40example.com`) },
  { name: 'invalid UTF-8 escapes', contentType: URLENCODED, body: form(() => '%FF%FE%C3%28fuzz%40example.com') },
  { name: 'escaped lone surrogate', contentType: URLENCODED, body: form(() => '%ED%A0%80fuzz%40example.com') },
  { name: 'broken escapes', contentType: URLENCODED, body: form(() => '%ZZ%E2%82fuzz%40example.com') },
  { name: 'raw invalid bytes', contentType: URLENCODED, body: (csrf) => new Blob([form(() => 'fuzz')(csrf), new Uint8Array([0x26, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xff, 0xfe, 0xc3, 0x28])]) },
  { name: '1 MB field', contentType: URLENCODED, body: form((f) => (f === 'email' ? MEGABYTE : 'x')) },
  { name: 'brackets and prototype keys', contentType: URLENCODED, body: (csrf) => `${form(() => 'x%00')(csrf)}&email[]=a&email[b]=c&__proto__[x]=1&constructor[prototype][y]=2` },
  { name: 'JSON arrays and objects to a form', contentType: 'application/json', body: json([{ $ne: null }, 'fuzz@example.com']) },
  { name: 'JSON lone surrogates', contentType: 'application/json', body: (csrf) => json('x')(csrf).replace(/"x"/g, '"\\ud800fuzz@example.com\\udc00"') },
  { name: 'JSON NUL', contentType: 'application/json', body: json('fuzz\u0000@example.com') },
  { name: 'JSON prototype poisoning', contentType: 'application/json', body: (csrf) => `{"_csrf":"${csrf ?? ''}","__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"email":"\\u0000"}` },
  { name: 'JSON nested deep', contentType: 'application/json', body: (csrf) => `{"_csrf":"${csrf ?? ''}","email":${'['.repeat(5000)}${']'.repeat(5000)}}` },
  { name: 'broken JSON', contentType: 'application/json', body: () => '{"email": "unterminated' },
  { name: 'text/plain', contentType: 'text/plain', body: form(() => 'fuzz%00') },
  { name: 'XML', contentType: 'application/xml', body: () => '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
  { name: 'multipart garbage', contentType: 'multipart/form-data; boundary=zz', body: () => '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\n\u0000\r\n--zz' },
  { name: 'no content type', body: (csrf) => new Blob([form(() => 'fuzz%00')(csrf)]) },
  { name: 'empty body, form type', contentType: URLENCODED, body: () => '' },
  { name: 'missing CSRF, NUL fields', contentType: URLENCODED, body: () => form(() => '%00')(undefined) },
];

/** Hostile values for a path parameter; the first is plausible, so the route is reached. */
const HOSTILE_SEGMENTS = ['%00', '%FF%FE', '%ED%A0%80', 'x'.repeat(300), "..%2F%25'%20OR%201=1--"];
const HOSTILE_QUERIES = ['?ui_locales=%00&next=%FF&p=%00', '?ui_locales=fr&ui_locales=nl&notice[]=x&__proto__[x]=1', `?token=${'t'.repeat(4000)}&%ED%A0%80=%ED%B0%80`];

describe('hostile input to every route', () => {
  let lk: TestLatchkey;
  const routes = new Map<string, Set<string>>();
  let session: { cookie: string; csrf: string };
  let flows: { reset: string; signup: string };
  let oidcPayloads: Payload[] = [];

  before(async () => {
    lk = await startTestLatchkey({}, {
      onRoute: (route: RouteOptions) => {
        const methods = routes.get(route.url) ?? new Set<string>();
        for (const method of [route.method].flat()) methods.add(method);
        routes.set(route.url, methods);
      },
    });
    await lk.setResetScope('all');
    await lk.createAccount({ email: 'fuzz@example.com', password: PASSWORD });
    await createTestAdmin(lk.latchkey.db, ADMIN.email, ADMIN.password);
    // One browser holding every kind of state a hostile request could aim at: a customer session, an
    // admin session, a live reset flow and a live sign-up flow, all written before the counts are taken.
    const browser = new FormClient(lk.baseUrl, { 'accept-language': 'en' });
    await browser.get('/d/default/signin');
    await browser.post('/d/default/signin', { identifier: 'fuzz@example.com', password: PASSWORD });
    await signInAdmin(browser, ADMIN.email, ADMIN.password);
    const reset = await requestCode(browser, 'fuzz@example.com');
    await browser.get('/d/default/signup');
    const signup = await browser.post('/d/default/signup', { email: 'newcomer@example.com' });
    const page = await browser.get('/d/default/signin');
    flows = { reset: /\/reset\/([0-9a-f-]{36})/.exec(reset.url)?.[1] ?? '', signup: /\/signup\/([0-9a-f-]{36})/.exec(signup.url)?.[1] ?? '' };
    assert.ok(flows.reset && flows.signup, `${reset.url} ${signup.url}`);
    session = { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: csrfToken(page.body) ?? '' };
    assert.ok(session.csrf);
    // The token endpoint with a real client, so hostile codes and tokens reach the look-ups behind it.
    const { application } = await registerApp(lk);
    const client = `client_id=${encodeURIComponent(application.client_id)}&redirect_uri=${encodeURIComponent(CALLBACK)}`;
    oidcPayloads = [
      { name: 'NUL authorization code', contentType: URLENCODED, body: () => `grant_type=authorization_code&${client}&code=%00x&code_verifier=%00` },
      { name: 'NUL refresh token', contentType: URLENCODED, body: () => `grant_type=refresh_token&${client}&refresh_token=x%00` },
      { name: 'invalid UTF-8 code', contentType: URLENCODED, body: () => `grant_type=authorization_code&${client}&code=%FF%ED%A0%80&code_verifier=${'v'.repeat(50)}` },
      { name: 'revoke a NUL token', contentType: URLENCODED, body: () => `${client}&token=%00&token_type_hint=%00` },
    ];
  });
  after(async () => {
    await lk?.close();
  });

  const counts = async () =>
    Object.fromEntries(await Promise.all(COUNTED.map(async (table) => [table, Number((await lk.latchkey.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)])));

  /** Concrete paths for a route pattern: its parameters filled with real ids, unknown ids and hostile values. */
  function pathsFor(pattern: string): Array<{ path: string; real: boolean }> {
    const fill = (value: (name: string) => string) => pattern.replace(/:(\w+)/g, (_, name: string) => value(name)).replace(/\*$/, 'token');
    const real = fill((name) => (name === 'directory' ? 'default' : name === 'flow' ? (pattern.includes('/reset/') ? flows.reset : flows.signup) : randomUUID()));
    const others = [fill((name) => (name === 'directory' ? 'default' : randomUUID())), ...HOSTILE_SEGMENTS.map((segment) => fill(() => segment))];
    return [{ path: real, real: true }, ...[...new Set(others)].filter((path) => path !== real).map((path) => ({ path, real: false }))];
  }

  it('fuzz: no 5xx from any route for malformed, oversized or hostile input; still serving; nothing written', async (t) => {
    assert.ok(routes.size >= 30, `${routes.size} routes collected`);
    assert.ok([...routes.values()].some((m) => m.has('POST')));
    const before = await counts();
    const failures: string[] = [];
    let sent = 0;
    const slowest: Array<{ ms: number; what: string }> = [];

    const send = async (method: string, path: string, init: { contentType?: string; body?: string | Blob; withSession: boolean }) => {
      const headers: Record<string, string> = { 'accept-language': 'en' };
      if (init.contentType) headers['content-type'] = init.contentType;
      if (init.withSession) headers.cookie = session.cookie;
      sent += 1;
      const started = performance.now();
      try {
        const response = await fetch(`${lk.baseUrl}${path}`, { method, headers, redirect: 'manual', ...(init.body !== undefined ? { body: init.body } : {}) });
        const text = await response.text();
        slowest.push({ ms: performance.now() - started, what: `${response.status} ${method} ${path.slice(0, 80)} ${init.contentType ?? ''}` });
        if (response.status >= 500) failures.push(`${response.status} ${method} ${path.slice(0, 120)} ${init.contentType ?? ''}: ${text.slice(0, 200)}`);
      } catch (error) {
        failures.push(`no answer: ${method} ${path.slice(0, 120)}: ${(error as Error).message}`);
      }
    };

    const jobs: Array<() => Promise<void>> = [];
    const post = (path: string, payload: Payload, withCsrf: boolean) => {
      const body = payload.body(withCsrf ? session.csrf : undefined);
      jobs.push(() => send('POST', path, { ...(payload.contentType ? { contentType: payload.contentType } : {}), body, withSession: true }));
    };
    for (const [pattern, methods] of routes) {
      for (const { path, real } of pathsFor(pattern)) {
        // The route's own path (real and unknown ids) gets every payload; a hostile path gets a few, as
        // it is refused before any body matters.
        const thorough = real || !HOSTILE_SEGMENTS.some((segment) => path.includes(segment));
        for (const method of methods) {
          if (method === 'POST') {
            for (const payload of thorough ? [...PAYLOADS, ...oidcPayloads] : PAYLOADS.slice(0, 2)) {
              for (const withCsrf of [true, false]) {
                if (withCsrf && real && VALID_WITHOUT_FIELDS.test(pattern)) continue;
                post(path, payload, withCsrf);
              }
            }
          } else if (method === 'GET') {
            for (const query of thorough ? ['', ...HOSTILE_QUERIES] : ['']) {
              jobs.push(() => send(method, `${path}${query}`, { withSession: true }));
              if (thorough && query === '') jobs.push(() => send(method, path, { withSession: false }));
            }
          } else if (method === 'HEAD') {
            if (thorough) jobs.push(() => send(method, `${path}${HOSTILE_QUERIES[0]}`, { withSession: true }));
          } else {
            jobs.push(() => send(method, path, { contentType: 'application/json', body: '{"a":"\\u0000"}', withSession: true }));
          }
        }
      }
    }
    // A few at a time: enough to overlap requests, not so many that the test measures the machine.
    const queue = [...jobs];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }));

    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed:\n${failures.slice(0, 30).join('\n')}`);
    assert.ok(sent > 1000, `${sent} requests sent`);
    t.diagnostic(`${sent} hostile requests to ${routes.size} routes`);
    t.diagnostic(slowest.sort((a, b) => b.ms - a.ms).slice(0, 15).map((r) => `${r.ms.toFixed(0)} ms ${r.what}`).join('\n'));
    assert.equal((await fetch(`${lk.baseUrl}/healthz`)).status, 200, 'still serving');
    assert.equal((await new FormClient(lk.baseUrl).get('/d/default/signin')).status, 200);
    assert.deepEqual(await counts(), before, 'no row written by an invalid request');
  });
});
