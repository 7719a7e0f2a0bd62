import type { Insertable, Kysely } from 'kysely';
import { randomToken, sha256 } from '../domain/secrets.ts';
import type { Database, SessionsTable } from '../storage/schema.ts';

// Customer sessions. The cookie holds 256 random bits; the table holds only their SHA-256 (SE1). Every
// sign-in makes a new one (SE2); sign-out, blocking and a password reset end them server-side (SE5, R18).

export interface ActiveSession {
  readonly accountId: string;
  readonly directoryId: string;
  readonly idHash: string;
}

/** A session row ready to insert, and the token its cookie carries. */
export interface NewSession {
  readonly token: string;
  readonly row: Insertable<SessionsTable>;
}

export interface SessionStore {
  /** The token and row of a new session, for a caller that inserts it with other writes in one statement. */
  prepare(input: { accountId: string; directoryId: string; ip: string | null; userAgent: string | null }): NewSession;
  start(input: { accountId: string; directoryId: string; ip: string | null; userAgent: string | null }): Promise<string>;
  findActive(token: string, directoryId: string): Promise<ActiveSession | undefined>;
  end(token: string): Promise<void>;
  endAllForAccount(db: Kysely<Database>, accountId: string): Promise<number>;
}

export function createSessionStore(db: Kysely<Database>, limits: { idleSeconds: number; absoluteSeconds: number }): SessionStore {
  function prepare({ accountId, directoryId, ip, userAgent }: Parameters<SessionStore['prepare']>[0]): NewSession {
    const token = randomToken();
    const now = new Date();
    const row = {
      id_hash: sha256(token),
      account_id: accountId,
      directory_id: directoryId,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + limits.absoluteSeconds * 1000),
      ip,
      user_agent: userAgent,
    };
    return { token, row };
  }

  return {
    prepare,
    async start(input) {
      const { token, row } = prepare(input);
      await db.insertInto('sessions').values(row).execute();
      return token;
    },

    async findActive(token, directoryId) {
      // Sliding idle timeout and fixed absolute timeout (SE4), checked and extended in one statement.
      const row = await db
        .updateTable('sessions')
        .set({ last_seen_at: new Date() })
        .where('id_hash', '=', sha256(token))
        .where('directory_id', '=', directoryId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', new Date())
        .where('last_seen_at', '>', new Date(Date.now() - limits.idleSeconds * 1000))
        .returning(['account_id', 'directory_id', 'id_hash'])
        .executeTakeFirst();
      return row ? { accountId: row.account_id, directoryId: row.directory_id, idHash: row.id_hash } : undefined;
    },

    async end(token) {
      await db.updateTable('sessions').set({ revoked_at: new Date() }).where('id_hash', '=', sha256(token)).where('revoked_at', 'is', null).execute();
    },

    async endAllForAccount(executor, accountId) {
      const result = await executor
        .updateTable('sessions')
        .set({ revoked_at: new Date() })
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
