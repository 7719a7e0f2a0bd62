import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import * as initial from './migrations/0001-initial.ts';
import * as applications from './migrations/0002-applications.ts';
import * as supportContact from './migrations/0003-support-contact.ts';
import * as rateLimits from './migrations/0010-rate-limits.ts';
import * as runNow from './migrations/0011-run-now.ts';
import * as usersAndGroups from './migrations/0020-users-and-groups.ts';
import * as auditLog from './migrations/0030-audit-log.ts';
import * as mailbox from './migrations/0031-mailbox.ts';
import * as adminDirectories from './migrations/0032-admin-directories.ts';
import * as branding from './migrations/0040-branding.ts';
import * as languagesAndTemplates from './migrations/0050-languages-and-templates.ts';
import * as rateLimitFunction from './migrations/0060-rate-limit-function.ts';
import * as directoryChangeNotice from './migrations/0061-directory-change-notice.ts';
import * as rateLimitAsyncCommit from './migrations/0062-rate-limit-async-commit.ts';
import type { Database } from './schema.ts';

// node-postgres returns bigint columns as strings by default; our bigserial ids stay strings on purpose
// (they can exceed 2^53), but COUNT(*) is cast in SQL where a number is wanted.

export function createDatabase(url: string, options: { max?: number } = {}): Kysely<Database> {
  // A database that does not answer at all (a network partition rather than a refused connection) fails
  // the request within seconds as a 503 instead of holding it until the client gives up (F5).
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection (the server restarting) must not crash the process (F5).
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Migrations are listed here, not discovered on disk, so the set that runs is the set that was reviewed. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-applications': applications,
  '0003-support-contact': supportContact,
  '0010-rate-limits': rateLimits,
  '0011-run-now': runNow,
  '0020-users-and-groups': usersAndGroups,
  '0030-audit-log': auditLog,
  '0031-mailbox': mailbox,
  '0032-admin-directories': adminDirectories,
  '0040-branding': branding,
  '0050-languages-and-templates': languagesAndTemplates,
  '0060-rate-limit-function': rateLimitFunction,
  '0061-directory-change-notice': directoryChangeNotice,
  '0062-rate-limit-async-commit': rateLimitAsyncCommit,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'latchkey_migrations', migrationLockTableName: 'latchkey_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
