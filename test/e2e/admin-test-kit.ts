import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';
import { createAdmin } from '../../src/admin/admin-store.ts';
import { createLatchkey, type Latchkey } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Database } from '../../src/storage/schema.ts';
import { FormClient, type Page } from '../support/form-client.ts';
import { ROOMY_RATE_LIMITS, startTestLatchkey, type TestLatchkey } from '../support/test-latchkey.ts';

// Helpers shared by the admin portal's end-to-end tests: another Latchkey instance on a given database
// (with its log captured), an administrator written through the real store, and signing in by form.

export interface Instance {
  readonly latchkey: Latchkey;
  readonly baseUrl: string;
  /** Every log line this instance wrote, parsed. */
  readonly logs: { level: number; msg: string }[];
  close(): Promise<void>;
}

export async function startInstance(databaseUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
  const config = loadConfig({ PORT: '3000', PUBLIC_URL: 'http://latchkey.test:3000', MAIL_RETRY_BASE_MS: '50', ...ROOMY_RATE_LIMITS, ...env });
  const latchkey = await createLatchkey(config, logger, databaseUrl);
  await latchkey.server.listen({ port: 0, host: '127.0.0.1' });
  const address = latchkey.server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { latchkey, baseUrl: `http://127.0.0.1:${port}`, logs, close: () => latchkey.close() };
}

const hasher = createPasswordHasher({ queueLimit: 100 });

export async function createTestAdmin(db: Kysely<Database>, email: string, password: string): Promise<string> {
  const result = await createAdmin(db, hasher, email, password);
  if (!result.ok) throw new Error(result.message);
  return result.id;
}

/** Opens /admin and submits the sign-in form, following the redirect. */
export async function signInAdmin(client: FormClient, email: string, password: string): Promise<Page> {
  await client.get('/admin');
  return await client.post('/admin/signin', { email, password });
}

/** The setup link an instance logged at start, if any. */
export function loggedSetupLink(instance: Instance): string | undefined {
  for (const line of instance.logs) {
    const match = /(https?:\/\/\S+\/admin\/setup\?token=[A-Za-z0-9_-]+)/.exec(line.msg);
    if (match) return match[1];
  }
  return undefined;
}

export { FormClient };

/** A new browser with the administrator signed in, having opened `path`. */
export async function signedInAdminAt(baseUrl: string, credentials: { email: string; password: string }, path: string): Promise<FormClient> {
  const client = new FormClient(baseUrl);
  await signInAdmin(client, credentials.email, credentials.password);
  await client.get(path);
  return client;
}

/** A fresh Latchkey with password reset on and an administrator signed in through the portal's form. */
export async function startWithSignedInAdmin(credentials: { email: string; password: string }): Promise<{ lk: TestLatchkey; admin: FormClient }> {
  const lk = await startTestLatchkey();
  await createTestAdmin(lk.latchkey.db, credentials.email, credentials.password);
  await lk.setResetScope('all');
  const admin = new FormClient(lk.baseUrl);
  await signInAdmin(admin, credentials.email, credentials.password);
  return { lk, admin };
}
