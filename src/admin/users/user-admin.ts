import type { Kysely } from 'kysely';
import { endAccountAccess } from '../../accounts/end-account-access.ts';
import { isResetAllowed } from '../../accounts/reset-eligibility.ts';
import { recordAudit, type AuditType } from '../../audit/audit-log.ts';
import { canonicalize, tidyEmail } from '../../domain/identifier.ts';
import { enqueueEmail } from '../../email/outbox.ts';
import type { Links } from '../../http/links.ts';
import type { Account, Database, Directory, Locale } from '../../storage/schema.ts';

// What an administrator can do to one customer account. Each change and its audit row commit together.
// None of these reveals or sets a password, but for the initial one of an account the administrator
// creates (R23): a reset is the customer's own, through the ordinary reset flow.

export interface AdminActor {
  readonly adminId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface AccountDetails {
  readonly account: Account;
  readonly activeSessions: number;
  readonly groups: readonly { id: string; name: string }[];
  readonly resetAllowed: boolean;
}

export interface NewLocalAccount {
  readonly email: string;
  readonly username: string | null;
  readonly displayName: string;
  readonly emailVerified: boolean;
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
}

export interface ProfileChange {
  readonly displayName: string;
  readonly locale: Locale | null;
  readonly emailVerified: boolean;
}

const audit = (trx: Kysely<Database>, directory: Directory, accountId: string, actor: AdminActor, type: AuditType, detail: Record<string, unknown> = {}) =>
  recordAudit(trx, { type, outcome: 'success', directoryId: directory.id, accountId, adminId: actor.adminId, ip: actor.ip, userAgent: actor.userAgent, detail });

/** The account row locked for the change, or undefined when it is not in this directory. */
const lockAccount = (trx: Kysely<Database>, directory: Directory, id: string) =>
  trx.selectFrom('accounts').selectAll().where('directory_id', '=', directory.id).where('id', '=', id).forUpdate().executeTakeFirst();

export function createUserAdmin(db: Kysely<Database>, links: Links) {
  async function change<T>(directory: Directory, id: string, work: (trx: Kysely<Database>, account: Account) => Promise<T>): Promise<T | undefined> {
    return db.transaction().execute(async (trx) => {
      const account = await lockAccount(trx, directory, id);
      return account ? work(trx, account) : undefined;
    });
  }

  return {
    async create(directory: Directory, input: NewLocalAccount, actor: AdminActor): Promise<{ id: string } | { duplicate: 'email' | 'username' }> {
      const email = tidyEmail(input.email);
      const emailCanonical = canonicalize(email);
      const usernameCanonical = input.username ? canonicalize(input.username) : null;
      return db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('accounts')
          .select(['email_canonical'])
          .where('directory_id', '=', directory.id)
          .where((eb) => eb.or([eb('email_canonical', '=', emailCanonical), ...(usernameCanonical ? [eb('username_canonical', '=', usernameCanonical)] : [])]))
          .executeTakeFirst();
        if (taken) return { duplicate: taken.email_canonical === emailCanonical ? 'email' : 'username' } as const;
        const row = await trx
          .insertInto('accounts')
          .values({
            directory_id: directory.id, email, email_canonical: emailCanonical, email_verified: input.emailVerified,
            username: input.username?.normalize('NFKC').trim() ?? null, username_canonical: usernameCanonical,
            display_name: input.displayName, password_hash: input.passwordHash, must_change_password: input.mustChangePassword,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        // A concurrent creation of the same identifier wins the race; this one reports the duplicate.
        if (!row) return { duplicate: 'email' } as const;
        await audit(trx, directory, row.id, actor, 'admin_user_created', { mustChangePassword: input.mustChangePassword });
        return { id: row.id };
      });
    },

    async details(directory: Directory, id: string): Promise<AccountDetails | undefined> {
      const account = await db.selectFrom('accounts').selectAll().where('directory_id', '=', directory.id).where('id', '=', id).executeTakeFirst();
      if (!account) return undefined;
      const [sessions, groups, resetAllowed] = await Promise.all([
        db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n'))
          .where('account_id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', new Date()).executeTakeFirstOrThrow(),
        db.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id')
          .select(['groups.id', 'groups.name']).where('group_members.account_id', '=', id).orderBy('groups.name_canonical').execute(),
        isResetAllowed(db, directory, id),
      ]);
      return { account, activeSessions: Number(sessions.n), groups, resetAllowed };
    },

    updateProfile: (directory: Directory, id: string, profile: ProfileChange, actor: AdminActor) =>
      change(directory, id, async (trx, account) => {
        await trx.updateTable('accounts').set({ display_name: profile.displayName, locale: profile.locale, email_verified: profile.emailVerified }).where('id', '=', id).execute();
        const changed = Object.fromEntries(
          [['displayName', account.display_name, profile.displayName], ['locale', account.locale, profile.locale], ['emailVerified', account.email_verified, profile.emailVerified]]
            .filter(([, from, to]) => from !== to)
            .map(([field, from, to]) => [field as string, { from, to }]),
        );
        await audit(trx, directory, id, actor, 'admin_user_updated', { changed });
        return true;
      }),

    /** Blocking ends every session and every application token in the same transaction (SE5, R22). */
    setBlocked: (directory: Directory, id: string, blocked: boolean, actor: AdminActor) =>
      change(directory, id, async (trx) => {
        await trx.updateTable('accounts').set({ disabled: blocked }).where('id', '=', id).execute();
        const ended = blocked ? await endAccountAccess(trx, id) : { sessionsEnded: 0, tokensRevoked: 0 };
        await audit(trx, directory, id, actor, blocked ? 'admin_user_blocked' : 'admin_user_unblocked', blocked ? { ...ended } : {});
        return true;
      }),

    remove: (directory: Directory, id: string, actor: AdminActor) =>
      change(directory, id, async (trx, account) => {
        // OIDC payloads carry the account id without a foreign key: ended first, as a block does.
        await endAccountAccess(trx, id);
        await trx.deleteFrom('accounts').where('id', '=', id).execute();
        await audit(trx, directory, id, actor, 'admin_user_deleted', { email: account.email });
        return true;
      }),

    forcePasswordChange: (directory: Directory, id: string, actor: AdminActor) =>
      change(directory, id, async (trx) => {
        await trx.updateTable('accounts').set({ must_change_password: true }).where('id', '=', id).execute();
        await audit(trx, directory, id, actor, 'admin_user_password_change_forced');
        return true;
      }),

    /**
     * Mails the customer a link to the reset page, where they ask for a code like anyone else: a code
     * is bound to the browser that asked for it (R8), so the administrator's own browser cannot hold one.
     */
    sendResetEmail: (directory: Directory, id: string, actor: AdminActor) =>
      change(directory, id, async (trx, account): Promise<'sent' | 'not_allowed'> => {
        if (account.disabled || !account.email_verified || !(await isResetAllowed(trx, directory, id))) return 'not_allowed';
        await enqueueEmail(trx, {
          directoryId: directory.id, template: 'reset_invitation', locale: account.locale ?? directory.default_locale, to: account.email,
          payload: { displayName: account.display_name, resetUrl: links.absolute(links.paths.reset(directory.slug)) },
        });
        await audit(trx, directory, id, actor, 'admin_user_reset_email_sent');
        return 'sent';
      }),
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
