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
import type { Database } from './storage/schema.ts';

// The composition root: config → database → stores → services → HTTP, by hand, top to bottom.

export interface Latchkey {
  readonly server: FastifyInstance;
  readonly db: Kysely<Database>;
  readonly dispatcher: OutboxDispatcher;
  readonly sweeper: ExpiredRowsSweeper;
  /** Graceful: in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), unsent mail goes back to the outbox. */
  close(): Promise<void>;
}

export async function createLatchkey(config: Config, logger: Logger, databaseUrl: string, hooks: { onRoute?: (route: RouteOptions) => void } = {}): Promise<Latchkey> {
  const db = createDatabase(databaseUrl);
  await migrateToLatest(db);
  const key = await loadInstanceKey(db, config.secret);

  const directories = createDirectoryStore(db);
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
  const metrics = createMetrics({ db, hashing: () => hasher.stats() });
  const dispatcher = createOutboxDispatcher({
    db, transport, logger, retryBaseMs: config.mailRetryBaseMs, from: config.mailFrom, instanceKey: key, onSent: (template) => metrics.mailSent(template), runInbox: runs, links, texts,
    signInUrl: (slug) => links.absolute(links.paths.signIn(slug)),
  });

  const server = await createServer({ logger, cookies, secure, ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}), ...hooks });
  metrics.instrument(server);
  registerOpsRoutes(server, { db, metrics, metricsToken: config.metricsToken });
  server.get('/', (_request, reply) => reply.redirect(links.paths.signIn(DEFAULT_DIRECTORY_SLUG)));

  const customer = {
    db, directories, texts, accounts, sessions, hasher, cookies, links, key, limits, runs,
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
  registerOidcRoutes(server, { directories, texts, providers });
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
    async close() {
      await closeServer(server, config.shutdownTimeoutMs);
      await hasher.close();
      await dispatcher.stop(config.shutdownTimeoutMs);
      await sweeper.stop();
      await auditRetention.stop();
      await limits.close();
      await transport.close();
      await db.destroy();
    },
  };
}
