import type { Kysely } from 'kysely';
import { recordAudit, type AuditEvent } from '../../audit/audit-log.ts';
import { setPassword, type SetPasswordInput } from '../../accounts/set-password.ts';
import type { Database } from '../../storage/schema.ts';

// What "My account" writes, named for what it does. The new password and everything it brings with
// it (other sessions ended, codes voided, the "password changed" mail) commit together or not at all.

export interface MyAccountStore {
  storeChangedPassword(input: SetPasswordInput): Promise<{ sessionsEnded: number }>;
  recordSignOut(event: Omit<AuditEvent, 'type' | 'outcome'>): Promise<void>;
}

export function createMyAccountStore(db: Kysely<Database>): MyAccountStore {
  return {
    storeChangedPassword: (input) => db.transaction().execute((trx) => setPassword(trx, input)),
    recordSignOut: (event) => recordAudit(db, { ...event, type: 'sign_out', outcome: 'success' }),
  };
}
