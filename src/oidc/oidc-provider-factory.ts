import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
import { constantTimeEqual, sha256 } from '../domain/secrets.ts';
import type { Database, Directory, UserFlow } from '../storage/schema.ts';
import { html } from '../http/html.ts';
import { renderPage } from '../http/layout.ts';
import { isLocale, translator } from '../i18n/i18n.ts';
import { RUN_KEY } from '../run-now/run-tag.ts';
import { createAdapterClass } from './oidc-adapter.ts';
import type { SigningKeySet } from './signing-keys.ts';

// One oidc-provider per directory: its own issuer (`${PUBLIC_URL}/d/${slug}`), keys, clients and storage.
// The provider owns the protocol; Latchkey's pages meet it only at the interaction boundary
// (interaction-routes.ts), as oidc-provider's own example does.

export const TOKEN_TTL = {
  // Single use and short (O2); a replay revokes every token issued from it.
  AuthorizationCode: 300,
  AccessToken: 3600,
  IdToken: 3600,
  RefreshToken: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
  Session: 14 * 24 * 3600,
  Interaction: 3600,
} as const;

/** The claims a user flow may put in tokens; `sub` always. */
export const TOKEN_CLAIMS = ['email', 'email_verified', 'name', 'preferred_username', 'locale'] as const;

export interface ProviderDeps {
  readonly db: Kysely<Database>;
  readonly instanceKey: Buffer;
  readonly accounts: AccountStore;
  readonly applications: ApplicationStore;
  readonly userFlows: UserFlowStore;
  readonly publicUrl: string;
}

/** The flow an authorize request names with `p`, or the directory's first sign-up-and-sign-in flow. */
export async function resolveUserFlow(userFlows: UserFlowStore, directory: Directory, name: string | undefined): Promise<UserFlow | undefined> {
  if (name) return userFlows.findByName(directory.id, name);
  const flows = await userFlows.listForDirectory(directory.id);
  return flows.find((flow) => flow.type === 'sign_up_sign_in') ?? flows[0];
}

export function interactionPath(directory: Directory, uid: string): string {
  return `/d/${encodeURIComponent(directory.slug)}/interaction/${encodeURIComponent(uid)}`;
}

export function createDirectoryProvider(deps: ProviderDeps, directory: Directory, keys: SigningKeySet): Provider {
  const cookieKey = Buffer.from(hkdfSync('sha256', deps.instanceKey, Buffer.alloc(0), `latchkey oidc cookies ${directory.id}`, 32)).toString('base64url');
  const secure = deps.publicUrl.startsWith('https:');

  const configuration: Configuration = {
    adapter: createAdapterClass(deps.db, directory.id, deps.applications),
    jwks: { keys: keys.keys },
    cookies: {
      keys: [cookieKey],
      long: { signed: true, secure, sameSite: 'lax' },
      short: { signed: true, secure, sameSite: 'lax' },
    },
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/oauth2/userinfo',
      jwks: '/oauth2/keys',
      end_session: '/oauth2/logout',
      revocation: '/oauth2/revoke',
    },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // `tfp` names the user flow that signed the customer in, as B2C's tokens do.
    claims: { openid: ['sub', 'tfp'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'locale'] },
    // B2C puts the profile in the ID token; the flow's settings choose which claims (findAccount below).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // What registrations can use: public clients send none (PKCE proves them), confidential ones Basic.
    // Discovery then lists only methods that work.
    clientAuthMethods: ['none', 'client_secret_basic'],
    // Every client sends PKCE S256; `plain` is not accepted at all (O3).
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { ...TOKEN_TTL },
    extraParams: {
      p: async (ctx: KoaContextWithOIDC, value: string | undefined, client) => {
        if (value !== undefined && (value.length > 64 || !/^[A-Za-z0-9_-]+$/.test(value))) throw new errors.InvalidRequest('p is not a user flow name');
        const flow = await resolveUserFlow(deps.userFlows, directory, value);
        if (!flow) throw new errors.InvalidRequest('unknown user flow');
        const application = await deps.applications.findByClientId(client.clientId);
        const allowed = application?.built_in || !application?.allowed_user_flows.length || application.allowed_user_flows.some((n) => n.toLowerCase() === flow.name.toLowerCase());
        if (!allowed) throw new errors.InvalidRequest('this application may not start that user flow');
        ctx.oidc.params!.p = flow.name;
      },
      // "Run now": names the administrator's run so mail sent during it reaches its test inbox. Only a
      // well-formed key is kept; whether it names a live run is checked where it is used.
      latchkey_run: (ctx: KoaContextWithOIDC, value: string | undefined) => {
        if (value !== undefined && !RUN_KEY.test(value)) throw new errors.InvalidRequest('latchkey_run is malformed');
      },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => interactionPath(directory, interaction.uid) },
    // First-party flows: the directory's own applications get what they ask for, with no consent page.
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub, token) {
      const account = /^[0-9a-f-]{36}$/.test(sub) ? await deps.accounts.findById(directory.id, sub) : undefined;
      if (!account || account.disabled) return undefined;
      const flowName = typeof (token as { acr?: unknown } | undefined)?.acr === 'string' ? (token as { acr: string }).acr : undefined;
      const flow = flowName ? await deps.userFlows.findByName(directory.id, flowName) : undefined;
      const wanted = new Set<string>(flow ? flow.token_claims : TOKEN_CLAIMS);
      const all: Record<string, unknown> = {
        email: account.email,
        email_verified: account.email_verified,
        name: account.display_name,
        preferred_username: account.username ?? undefined,
        locale: account.locale ?? undefined,
      };
      return {
        accountId: account.id,
        async claims() {
          return { sub: account.id, ...(flow ? { tfp: flow.name } : {}), ...Object.fromEntries(Object.entries(all).filter(([claim, value]) => wanted.has(claim) && value !== undefined)) };
        },
      };
    },
    // An error the provider cannot send back to the application (unknown client, redirect URI not
    // registered: O1) is shown to the customer on Latchkey's own page, in the directory's language.
    async renderError(ctx, out) {
      const t = translator(isLocale(directory.default_locale) ? directory.default_locale : 'en');
      ctx.type = 'html';
      ctx.set('cache-control', 'no-store');
      ctx.body = renderPage(
        { locale: directory.default_locale, title: t('user_flow_error_title'), brand: directory.display_name },
        html`<h1>${t('user_flow_error_title')}</h1><p>${t('user_flow_expired')}</p><p class="hint"><code>${String(out.error)}</code>${out.error_description ? html`: ${String(out.error_description)}` : ''}</p>`,
      );
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
  };

  const provider = new Provider(`${deps.publicUrl.replace(/\/$/, '')}/d/${directory.slug}`, configuration);
  // Client secrets are stored as their SHA-256 (applications.secret_hash): hash what is presented, then
  // compare in constant time.
  provider.Client.prototype.compareClientSecret = function compareHashed(this: { clientSecret?: string }, actual: string) {
    return Promise.resolve(typeof this.clientSecret === 'string' && this.clientSecret.length > 0 && constantTimeEqual(this.clientSecret, sha256(actual)));
  } as never;
  return provider;
}
