import { pino, type Logger } from 'pino';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import type { EmbeddedCluster } from '../storage/embedded-postgres.ts';
import { createDatabase, migrateToLatest } from '../storage/database.ts';
import { createAdmin } from '../admin/admin-store.ts';
import { createPasswordHasher } from '../accounts/password-hasher.ts';
import { shutdownOnSignals } from './shutdown-on-signals.ts';
import { runUsersCommand } from './users-command.ts';

const HELP = `Usage: latchkey <command> [options]

Commands:
  start                    Start Latchkey (the default). Uses DATABASE_URL, or an embedded
                           PostgreSQL cluster under LATCHKEY_DATA_DIR when it is not set.
  migrate                  Apply database migrations and exit.
  admin create             Create an administrator.
      --email <address>    The administrator's email address (required).
      --password <secret>  Their password; prefer the LATCHKEY_ADMIN_PASSWORD environment
                           variable, which keeps it out of the shell history.
  users import FILE        Import customer accounts with their password hashes from a JSON Lines
                           or CSV file (Keycloak, Auth0, Firebase or Latchkey exports).
      --directory <slug>   The directory to import into (default: default).
      --format jsonl|csv   The file's format when its name does not end in .jsonl or .csv.
      --peppered           argon2id hashes in the file carry this instance's PASSWORD_PEPPER.
      --firebase-signer-key, --firebase-salt-separator, --firebase-rounds, --firebase-mem-cost
                           The Firebase project's scrypt parameters, for Firebase hashes.
  users export             Write a directory's accounts, password hashes included, to stdout.
      --directory <slug>   The directory to export (default: default).
      --format jsonl|csv   The output format (default: jsonl).
  help                     Show this help.

Settings are read from the environment; see the README for the full list.
`;

const ADMIN_USAGE = 'Usage: latchkey admin create --email <address> [--password <secret>] (or LATCHKEY_ADMIN_PASSWORD)\n';

/** `admin` arguments, or undefined for an unknown option or a missing value, answered with the usage line. */
function parseAdminArgs(args: readonly string[]): { command?: string; email?: string; password?: string } | undefined {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { email: { type: 'string' }, password: { type: 'string' } }, allowPositionals: true });
    return { command: positionals[0], email: values.email, password: values.password };
  } catch {
    return undefined;
  }
}

/** The database to use: the configured one, or the embedded cluster, started for as long as we run. */
async function openDatabaseUrl(config: Config, logger: Logger): Promise<{ url: string; cluster?: EmbeddedCluster }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  logger.info({ dir: config.dataDir }, 'DATABASE_URL is not set: starting the embedded PostgreSQL cluster');
  // Loaded only here: embedded-postgres installs SIGTERM/SIGINT hooks that end the process as soon as its
  // cluster is stopped, which would cut requests in flight short on a server using DATABASE_URL.
  const { startEmbeddedPostgres } = await import('../storage/embedded-postgres.ts');
  const cluster = await startEmbeddedPostgres(config.dataDir, { log: (line) => logger.debug({ postgres: line }) });
  return { url: cluster.url, cluster };
}

export async function runCli(argv: readonly string[], logger: Logger): Promise<number | undefined> {
  const [command = 'start', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  logger.level = config.logLevel;

  switch (command) {
    case 'start':
      return await start(config, logger);
    case 'migrate': {
      const { url, cluster } = await openDatabaseUrl(config, logger);
      const db = createDatabase(url);
      const applied = await migrateToLatest(db);
      logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
      await db.destroy();
      await cluster?.stop();
      return 0;
    }
    case 'admin': {
      const args = parseAdminArgs(rest);
      const password = args?.password ?? process.env.LATCHKEY_ADMIN_PASSWORD;
      if (!args || args.command !== 'create' || !args.email || !password) {
        process.stderr.write(ADMIN_USAGE);
        return 2;
      }
      const values = { email: args.email };
      const { url, cluster } = await openDatabaseUrl(config, logger);
      const db = createDatabase(url);
      const hasher = createPasswordHasher({ queueLimit: 10, pepper: config.pepper });
      try {
        await migrateToLatest(db);
        const result = await createAdmin(db, hasher, values.email, password);
        if (!result.ok) {
          process.stderr.write(`${result.message}\n`);
          return 1;
        }
        process.stdout.write(`Administrator ${values.email} created. Sign in at ${new URL('/admin', config.publicUrl).href}\n`);
        return 0;
      } finally {
        await hasher.close();
        await db.destroy();
        await cluster?.stop();
      }
    }
    case 'users':
      // stdout carries the export: the log goes to stderr.
      return await runUsersCommand(rest, () => openDatabaseUrl(config, pino({ level: config.logLevel }, pino.destination(2))));
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}

async function start(config: Config, logger: Logger): Promise<undefined> {
  const { url, cluster } = await openDatabaseUrl(config, logger);
  // Loaded only here: the server's modules (oidc-provider and the rest) would slow every other command's start.
  const { createLatchkey } = await import('../app.ts');
  const latchkey = await createLatchkey(config, logger, url);
  await latchkey.server.listen({ port: config.port, host: config.host });
  const base = config.publicUrl.href.replace(/\/$/, '');
  logger.info(`Latchkey is running.\n  Sign-in page:  ${base}/d/default/signin\n  Admin portal:  ${base}/admin`);

  // The cluster goes last: requests in flight and the mail dispatcher still need it.
  cluster?.leaveSignalsToCaller();
  shutdownOnSignals(logger, async () => {
    await latchkey.close();
    await cluster?.stop();
    // Requests and the mail dispatcher each get SHUTDOWN_TIMEOUT_MS; closing the pool and the rest, a little more.
  }, 2 * config.shutdownTimeoutMs + 10_000);
  return undefined;
}
