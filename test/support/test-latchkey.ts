import { createServer } from 'node:net';
import type { RouteOptions } from 'fastify';
import { pino, type Logger } from 'pino';
import { createLatchkey, type Latchkey } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { canonicalize } from '../../src/domain/identifier.ts';
import type { Kysely } from 'kysely';
import type { Database, Locale, ResetScope } from '../../src/storage/schema.ts';
import { createTestDatabase } from './test-database.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export interface TestLatchkey {
  readonly baseUrl: string;
  readonly latchkey: Latchkey;
  readonly config: Config;
  readonly smtp: SmtpSink;
  readonly databaseUrl: string;
  /** A verified local account in the default directory, written straight to the database. */
  createAccount(input: { email: string; password: string; displayName?: string; username?: string; verified?: boolean; disabled?: boolean; locale?: Locale }): Promise<string>;
  setResetScope(scope: ResetScope, directory?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Limits no ordinary test reaches: most tests send far more attempts from 127.0.0.1 than a person would
 * (L4 sends 200 at once). The rate-limit tests set their own, small ones.
 */
export const ROOMY_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_IP_MAX: '1000000',
  RATE_LIMIT_IDENTIFIER_MAX: '1000000',
  RATE_LIMIT_DIRECTORY_MAX: '1000000',
};

const seedHasher = createPasswordHasher({ queueLimit: 1000 });

export type SeedAccount = Parameters<TestLatchkey['createAccount']>[0];

/** A verified local account in the default directory, written straight to a migrated database. */
export async function seedAccount(db: Kysely<Database>, input: SeedAccount): Promise<string> {
  const directory = await db.selectFrom('directories').selectAll().where('slug', '=', 'default').executeTakeFirstOrThrow();
  const row = await db
    .insertInto('accounts')
    .values({
      directory_id: directory.id,
      email: input.email,
      email_canonical: canonicalize(input.email),
      email_verified: input.verified ?? true,
      username: input.username ?? null,
      username_canonical: input.username ? canonicalize(input.username) : null,
      display_name: input.displayName ?? 'Test Customer',
      password_hash: await seedHasher.hash(input.password),
      disabled: input.disabled ?? false,
      locale: input.locale ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A real Latchkey: fresh database, real SMTP into an in-process sink, listening on a free port. */
export async function startTestLatchkey(
  env: Record<string, string> = {},
  options: { port?: number; logger?: Logger; onRoute?: (route: RouteOptions) => void } = {},
): Promise<TestLatchkey> {
  const database = await createTestDatabase();
  const smtp = await startSmtpSink();
  const config = loadConfig({
    PORT: '3000',
    PUBLIC_URL: 'http://latchkey.test:3000',
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Latchkey <no-reply@latchkey.test>',
    MAIL_RETRY_BASE_MS: '50',
    LOG_LEVEL: 'silent',
    ...ROOMY_RATE_LIMITS,
    ...env,
  });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const latchkey = await createLatchkey(config, logger, database.url, options.onRoute ? { onRoute: options.onRoute } : {});
  await latchkey.server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = latchkey.server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const db = latchkey.db;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    latchkey,
    config,
    smtp,
    databaseUrl: database.url,
    createAccount: (input) => seedAccount(db, input),
    async setResetScope(scope, directory = 'default') {
      await db.updateTable('directories').set({ reset_scope: scope }).where('slug', '=', directory).execute();
      // Pages read the directory from the instance's memory, which the change's notice clears.
      await latchkey.directoryChangesHeard();
    },
    async close() {
      await latchkey.close();
      await smtp.close();
      await database.drop();
    },
  };
}

/** A Latchkey whose PUBLIC_URL is its real address, for clients that must reach the issuer (OpenID Connect). */
export async function startReachableLatchkey(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestLatchkey> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  return startTestLatchkey({ PUBLIC_URL: `http://127.0.0.1:${port}`, ...env }, { ...options, port });
}
