import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { TextCache } from '../directories/directory-texts.ts';
import type { DirectoryStore } from '../directories/directory-store.ts';
import { loadDirectory } from '../directories/load-directory.ts';
import { badRequest } from '../http/latchkey-error.ts';
import type { ProviderRegistry } from './provider-registry.ts';

// The protocol endpoints, handed to the directory's oidc-provider untouched. Fastify parses no body here
// (the provider reads its own, with its own limit) and the CSRF check does not apply: the token and
// revocation endpoints are cross-site by design and authenticate the client instead.

/** Longer than any legitimate authorize URL; anything above is refused before the provider sees it (O5). */
const MAX_URL_LENGTH = 4096;
const MAX_BODY_BYTES = 16 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** False on routes that authenticate otherwise (the OIDC endpoints); every other POST is checked. */
    csrf?: boolean;
  }
}

export function registerOidcRoutes(app: FastifyInstance, deps: { directories: DirectoryStore; texts: TextCache; providers: ProviderRegistry }): void {
  // Koa composes its middleware on every callback() call; once per provider is enough.
  const handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const handlerOf = (provider: Provider) => {
    let handler = handlers.get(provider);
    if (!handler) handlers.set(provider, (handler = provider.callback()));
    return handler;
  };

  async function toProvider(request: FastifyRequest, reply: FastifyReply, flowName?: string) {
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    const url = raw.url ?? '/';
    if (url.length > MAX_URL_LENGTH) throw badRequest();
    if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw badRequest();
    const directory = await loadDirectory(deps, request);
    const provider = await deps.providers.get(directory);
    // The provider is mounted at the directory's path; it sees the rest, and finds its mount in originalUrl.
    let path = url.replace(/^\/d\/[^/?]+/, '') || '/';
    if (flowName !== undefined) {
      // `/d/{slug}/{flow}/oauth2/authorize` is `p={flow}` on the directory's authorize endpoint.
      const query = new URLSearchParams(url.split('?')[1] ?? '');
      query.set('p', flowName);
      path = `/oauth2/authorize?${query.toString()}`;
    }
    raw.originalUrl = url;
    raw.url = path;
    reply.hijack();
    await handlerOf(provider)(raw, reply.raw);
  }

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const config = { csrf: false };
    scope.route({ method: ['GET', 'HEAD'], url: '/d/:directory/.well-known/openid-configuration', config, handler: (req, reply) => toProvider(req, reply) });
    scope.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/d/:directory/oauth2/*', config, handler: (req, reply) => toProvider(req, reply) });
    scope.route({
      method: 'GET',
      url: '/d/:directory/:flow/oauth2/authorize',
      config,
      handler: (req, reply) => {
        const flow = (req.params as { flow?: unknown }).flow;
        if (typeof flow !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(flow)) throw badRequest();
        return toProvider(req, reply, flow);
      },
    });
  });
}
