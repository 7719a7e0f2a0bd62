import type { Logger } from 'pino';
import type { AdminDeps } from './admin-deps.ts';
import { anyAdminExists, insertAdmin, lockFirstAdminDecision, prepareAdmin, type PreparedAdmin } from './admin-store.ts';
import { issueSetupToken, SETUP_TOKEN_SECONDS } from './setup-token-store.ts';

// Run at every start. Once any administrator exists this does nothing, so it is safe to leave
// ADMIN_EMAIL/ADMIN_PASSWORD set, and a password changed later is never overwritten by the environment.

/** Creates the first administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or logs a one-time setup link. */
export async function ensureFirstAdmin(deps: AdminDeps, logger: Logger, firstAdmin: { email: string; password: string } | undefined): Promise<void> {
  if (await anyAdminExists(deps.db)) return;

  let prepared: PreparedAdmin | undefined;
  if (firstAdmin) {
    const result = await prepareAdmin(deps.hasher, firstAdmin.email, firstAdmin.password);
    // Config already checks the policy; this is the last line should the two ever drift apart.
    if (result.ok) prepared = result.admin;
    else logger.error(`ADMIN_EMAIL/ADMIN_PASSWORD were not used: ${result.message}`);
  }

  const outcome = await deps.db.transaction().execute(async (trx) => {
    await lockFirstAdminDecision(trx);
    if (await anyAdminExists(trx)) return { kind: 'exists' as const };
    if (prepared) {
      await insertAdmin(trx, prepared, 'environment');
      return { kind: 'created' as const };
    }
    return { kind: 'link' as const, token: await issueSetupToken(trx) };
  });

  if (outcome.kind === 'created') {
    logger.info({ email: prepared?.email }, 'first administrator created from ADMIN_EMAIL/ADMIN_PASSWORD');
  } else if (outcome.kind === 'link') {
    const url = deps.links.absolute(`${deps.links.paths.admin()}/setup?token=${outcome.token}`);
    // A warning, so it shows at LOG_LEVEL=warn too: without it nobody can administer this instance.
    logger.warn(
      `No administrator exists yet. Open this one-time link within ${SETUP_TOKEN_SECONDS / 60} minutes to create one: ${url} ` +
        '(or set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npx latchkey admin create`)',
    );
  }
}
