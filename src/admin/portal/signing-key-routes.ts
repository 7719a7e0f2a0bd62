import type { FastifyInstance } from 'fastify';
import { sendPage } from '../../http/request-context.ts';
import { TOKEN_TTL } from '../../oidc/oidc-provider-factory.ts';
import { listSigningKeys, loadSigningKeys, rotateSigningKey } from '../../oidc/signing-keys.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, seeOther } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { directoryPath } from './pages/directory-pages.ts';
import { signingKeyMessages as m, signingKeysPage } from './pages/signing-key-pages.ts';

// Key rotation from the portal. The retired key stays in the JWKS for as long as the longest-lived
// token it signed may still be presented (ID and access tokens; refresh tokens are opaque, not signed).
const PUBLISH_AFTER_RETIREMENT_SECONDS = Math.max(TOKEN_TTL.IdToken, TOKEN_TTL.AccessToken) + 300;

export function registerSigningKeyRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin/d/:directory/signing-keys', directoryRoute(deps, async (ctx, request, reply) => {
    // The first key is made on first use; opening this page before any sign-in counts as one.
    await loadSigningKeys(deps.db, deps.instanceKey, ctx.directory.id);
    const keys = await listSigningKeys(deps.db, ctx.directory.id);
    const done = (request.query as { done?: unknown }).done;
    return sendPage(reply, signingKeysPage({
      ...ctx, csrf: reply.generateCsrf(), keys,
      jwksUrl: deps.links.absolute(`/d/${encodeURIComponent(ctx.directory.slug)}/oauth2/keys`),
      ...(done === 'rotated' ? { notice: m.rotated } : {}),
    }));
  }));

  app.post('/admin/d/:directory/signing-keys/rotate', directoryRoute(deps, async (ctx, request, reply) => {
    await rotateSigningKey(deps.db, deps.instanceKey, ctx.directory.id, PUBLISH_AFTER_RETIREMENT_SECONDS);
    // This instance signs with the new key at once; the others within their key-check interval.
    deps.providers.invalidate(ctx.directory.id);
    await recordDirectoryAction(deps.db, request, ctx, 'admin_signing_key_rotated');
    return seeOther(reply, `${directoryPath(ctx.directory.slug, '/signing-keys')}?done=rotated`);
  }));
}
