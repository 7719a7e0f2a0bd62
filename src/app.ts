import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createAccountStore } from './accounts/account-store.ts';
import { createApplicationStore } from './applications/application-store.ts';
import { createUserFlowStore } from './applications/user-flow-store.ts';
import { createPasswordHasher } from './accounts/password-hasher.ts';
import { createSessionStore } from './accounts/session-store.ts';
import { ensureFirstAdmin } from './admin/first-admin.ts';
import { registerAdminRoutes } from './admin/portal/admin-routes.ts';
import { createAuditRetentionJob } from './audit/audit-retention.ts';
import { isSecureOrigin, type Config } from './config/config.ts';
import { registerBrandingAssetRoutes } from './directories/branding-asset-routes.ts';
import { createBrandingStore } from './directories/branding-store.ts';
import { createDirectoryStore, DEFAULT_DIRECTORY_SLUG } from './directories/directory-store.ts';
import { createTextCache } from './directories/directory-texts.ts';
import { createDirectoryCache } from './directories/directory-cache.ts';
import { createMailTransport } from './email/mail-transport.ts';
import { withMailbox } from './email/mailbox-transport.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from './email/outbox-dispatcher.ts';
import { registerForcedChangeRoutes } from './flows/forced-change/forced-change-routes.ts';
import { registerMyAccountRoutes } from './flows/my-account/my-account-routes.ts';
import { registerPasswordResetRoutes } from './flows/password-reset/password-reset-routes.ts';
import { registerSignInRoutes } from './flows/sign-in/sign-in-routes.ts';
import { registerSignUpRoutes } from './flows/sign-up/sign-up-routes.ts';
import { closeServer } from './http/close-server.ts';
import { cookiePolicy } from './http/cookies.ts';
import { createLinks } from './http/links.ts';
import { createServer } from './http/server.ts';
import { createMetrics } from './metrics/metrics.ts';
import { registerOpsRoutes } from './metrics/ops-routes.ts';
import { registerInteractionRoutes } from './oidc/interaction-routes.ts';
import { registerOidcRoutes } from './oidc/oidc-routes.ts';
import { createProviderRegistry } from './oidc/provider-registry.ts';
import { createRateLimits } from './rate-limits/rate-limits.ts';
import { createDatabase, migrateToLatest } from './storage/database.ts';
import { createFlowRunStore } from './run-now/flow-run-store.ts';
import { createExpiredRowsSweeper, type ExpiredRowsSweeper } from './storage/expired-rows-sweeper.ts';
import { loadInstanceKey } from './storage/instance-key.ts';
import { DIRECTORY_CHANGE_CHANNEL } from './storage/migrations/0061-directory-change-notice.ts';
import { listenForNotices } from './storage/notice-listener.ts';
import type { Database } from './storage/schema.ts';

// The composition root: config → database → stores → services → HTTP, by hand, top to bottom.

export interface Latchkey {
  readonly server: FastifyInstance;
  readonly db: Kysely<Database>;
  readonly dispatcher: OutboxDispatcher;
  readonly sweeper: ExpiredRowsSweeper;
  /** Resolves once this instance has heard of every directory change committed before the call. */
  directoryChangesHeard(): Promise<void>;
  /** Graceful: in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), unsent mail goes back to the outbox. */
  close(): Promise<void>;
}

export async function createLatchkey(config: Config, logger: Logger, databaseUrl: string, hooks: { onRoute?: (route: RouteOptions) => void } = {}): Promise<Latchkey> {
  const db = createDatabase(databaseUrl);
  await migrateToLatest(db);
  const key = await loadInstanceKey(db, config.secret);

  const directories = createDirectoryStore(db);
  const directoryCache = createDirectoryCache({ load: directories.findBySlug, trusted: () => directoryNotices.listening });
  const directoryNotices = listenForNotices({
    databaseUrl, channel: DIRECTORY_CHANGE_CHANNEL, logger, onNotice: () => directoryCache.forget(), onGap: () => directoryCache.forget(),
  });
  // Customer pages read their directory from memory; the portal and the CLI read and write the table.
  const cachedDirectories = { ...directories, findBySlug: directoryCache.findBySlug };
  const texts = createTextCache(db);
  const defaultDirectory = await directories.ensureDefault();
  const userFlows = createUserFlowStore(db);
  await userFlows.ensureDefaults(defaultDirectory.id);
  const applications = createApplicationStore(db);
  const runs = createFlowRunStore(db, key);
  const accounts = createAccountStore(db);
  const sessions = createSessionStore(db, { idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds });
  const hasher = createPasswordHasher({ concurrency: config.hashConcurrency, queueLimit: config.hashQueueLimit, pepper: config.pepper });
  const secure = isSecureOrigin(config);
  const cookies = cookiePolicy(secure);
  const links = createLinks(config.publicUrl);
  const limits = createRateLimits({
    db, key, rules: config.rateLimits, logger,
    ...(config.redisUrl ? { redis: { url: config.redisUrl, keyPrefix: config.redisKeyPrefix } } : {}),
  });

  const transport = withMailbox(createMailTransport({ smtpUrl: config.smtpUrl, logger }), db);
  if (transport.kind === 'log') {
    logger.warn('SMTP_URL is not set: mail, codes included, is written to this log. This is for development only.');
  }
  const metrics = createMetrics({ db, hashing: () => hasher.stats(), directoryNoticesHeard: () => directoryNotices.listening });
  const dispatcher = createOutboxDispatcher({
    db, transport, logger, retryBaseMs: config.mailRetryBaseMs, from: config.mailFrom, instanceKey: key, onSent: (template) => metrics.mailSent(template), runInbox: runs, links, texts,
    signInUrl: (slug) => links.absolute(links.paths.signIn(slug)),
  });

  const server = await createServer({ logger, cookies, secure, ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}), ...hooks });
  metrics.instrument(server);
  registerOpsRoutes(server, { db, metrics, metricsToken: config.metricsToken });
  server.get('/', (_request, reply) => reply.redirect(links.paths.signIn(DEFAULT_DIRECTORY_SLUG)));

  // This instance's own portal changes are forgotten before the administrator's answer leaves, so its
  // next page here never shows the directory as it was; the other instances hear the notice.
  server.addHook('onSend', async (request, _reply, payload) => {
    if (request.method === 'POST' && request.url.startsWith('/admin/')) directoryCache.forget();
    return payload;
  });

  const customer = {
    db, directories: cachedDirectories, texts, accounts, sessions, hasher, cookies, links, key, limits, runs,
    settings: {
      passwordMinLength: config.passwordMinLength,
      resetCodeTtlSeconds: config.resetCodeTtlSeconds,
      sessionAbsoluteSeconds: config.sessionAbsoluteSeconds,
    },
    mailQueued: () => dispatcher.nudge(),
    metrics,
  };
  registerSignInRoutes(server, customer);
  registerSignUpRoutes(server, customer);
  registerPasswordResetRoutes(server, customer);
  registerMyAccountRoutes(server, customer);
  registerForcedChangeRoutes(server, customer);
  const branding = createBrandingStore(db);
  registerBrandingAssetRoutes(server, { branding });

  const providers = createProviderRegistry({ db, instanceKey: key, accounts, applications, userFlows, publicUrl: config.publicUrl.href });
  registerOidcRoutes(server, { directories: cachedDirectories, texts, providers });
  registerInteractionRoutes(server, { ...customer, providers, userFlows, applications });

  const admin = {
    db, directories, hasher, cookies, links, applications, userFlows, limits, runs, providers, instanceKey: key,
    settings: { passwordMinLength: config.passwordMinLength }, mailQueued: () => dispatcher.nudge(),
    mailboxEnabled: transport.kind === 'log', branding, key, mailFrom: config.mailFrom,
  };
  registerAdminRoutes(server, admin);
  await ensureFirstAdmin(admin, logger, config.firstAdmin);

  const sweeper = createExpiredRowsSweeper({ db, logger });
  dispatcher.start();
  sweeper.start();
  const auditRetention = createAuditRetentionJob({ db, logger });
  auditRetention.start();
  return {
    server,
    db,
    dispatcher,
    sweeper,
    directoryChangesHeard: () => directoryNotices.caughtUp(),
    async close() {
      await closeServer(server, config.shutdownTimeoutMs);
      await hasher.close();
      await dispatcher.stop(config.shutdownTimeoutMs);
      await sweeper.stop();
      await auditRetention.stop();
      await limits.close();
      await transport.close();
      await directoryNotices.close();
      await db.destroy();
    },
  };
}
