import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createApplicationStore } from '../../src/applications/application-store.ts';
import { FormClient, formAction, type Page } from '../support/form-client.ts';
import type { TestLatchkey } from '../support/test-latchkey.ts';

// A relying party's side of OpenID Connect against a running Latchkey, shared by the OIDC e2e files:
// an app registration, the authorization request, the browser's walk through the hosted pages, and the
// callback URL the browser lands on.

export const CALLBACK = 'https://app.example/callback';

export async function registerApp(lk: TestLatchkey, options: { confidential?: boolean; flows?: string[]; redirectUris?: string[] } = {}) {
  const directory = await lk.latchkey.db.selectFrom('directories').select('id').where('slug', '=', 'default').executeTakeFirstOrThrow();
  return createApplicationStore(lk.latchkey.db).create(directory.id, {
    displayName: 'Test app',
    redirectUris: options.redirectUris ?? [CALLBACK],
    clientType: options.confidential ? 'confidential' : 'public',
    allowedUserFlows: options.flows ?? [],
  });
}

export async function discover(lk: TestLatchkey, clientId: string, secret?: string): Promise<oidc.Configuration> {
  const config = await oidc.discovery(new URL(`${lk.baseUrl}/d/default`), clientId, undefined, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  // Check every ID token's signature against the directory's JWKS, not only its claims.
  oidc.enableNonRepudiationChecks(config);
  return config;
}

export interface AuthorizationRequest {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

export async function authorizationRequest(config: oidc.Configuration, params: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Follows Latchkey's redirects the way a browser does and stops at the first one that leaves Latchkey. */
export async function walk(browser: FormClient, first: Page): Promise<Page | { callback: URL }> {
  let page = first;
  for (let hops = 0; hops < 10; hops++) {
    const location = page.headers.get('location');
    if (!location || page.status < 300 || page.status >= 400) return page;
    const next = new URL(location, page.url);
    if (next.origin !== new URL(browser.baseUrl).origin) return { callback: next };
    page = await browser.get(next.href, { follow: false });
  }
  throw new Error('too many redirects');
}

/** From the authorize URL through the hosted sign-in page to the application's callback. */
export async function signInThroughApp(browser: FormClient, request: AuthorizationRequest, email: string, password: string): Promise<URL> {
  const signInPage = await walk(browser, await browser.get(request.url.href, { follow: false }));
  assert.ok(!('callback' in signInPage), 'expected the hosted sign-in page');
  assert.equal(signInPage.status, 200, signInPage.body.slice(0, 500));
  const landed = await walk(browser, await browser.post(formAction(signInPage.body, 'Sign in'), { identifier: email, password }, { follow: false }));
  assert.ok('callback' in landed, `expected to return to the application, got ${'status' in landed ? landed.status : ''}`);
  return landed.callback;
}
