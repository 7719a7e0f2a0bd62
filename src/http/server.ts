import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { CookiePolicy } from './cookies.ts';
import { renderError } from './error-handler.ts';
import { notFound } from './latchkey-error.ts';
import { parseFormBody } from './form-body.ts';
import { LOG_REDACTION } from './log-redaction.ts';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.ts';
import { refuseUnstorableText } from './unstorable-text.ts';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');

export interface ServerOptions {
  readonly logger: Logger;
  readonly cookies: CookiePolicy;
  readonly secure: boolean;
  /** Proxies whose X-Forwarded-For is believed; none by default, so a spoofed header changes nothing (L5). */
  readonly trustProxy?: string | string[] | boolean;
  /** Told of every route as it is added, before any is: how a test walks every endpoint there is. */
  readonly onRoute?: (route: RouteOptions) => void;
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // Redaction is bound here, so every request's log lines are censored whatever logger was passed in.
    loggerInstance: options.logger.child({}, LOG_REDACTION) as FastifyBaseLogger,
    requestIdHeader: false,
    genReqId: requestIdFor,
    trustProxy: options.trustProxy ?? false,
    // Every form here is small; a bounded body answers an oversized one fast (O5).
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024, parser: parseFormBody });
  app.addHook('preValidation', async (request) => refuseUnstorableText(request));
  // helmet's own middleware, built once: @fastify/helmet builds it (and parses the policy) again for
  // every request, which was a few percent of a form post's CPU. Headers a route sets replace these.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        // Forms may post back to http://localhost during development; upgrading would break that.
        ...(options.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: options.secure,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: options.cookies.name('csrf'),
    cookieOpts: options.cookies.options(),
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : undefined;
    },
  });
  await app.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h', index: false, wildcard: false });

  // Every state-changing request carries a CSRF token (SE6); checked here so no route can forget it.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    if ((request.routeOptions.config as { csrf?: boolean }).csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error, request, reply) => renderError(error, request, reply));
  app.setNotFoundHandler((request, reply) => renderError(notFound(), request, reply));
  return app;
}
