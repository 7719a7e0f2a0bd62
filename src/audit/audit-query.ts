import type { ExpressionBuilder, Kysely } from 'kysely';
import { canonicalize } from '../domain/identifier.ts';
import type { Database } from '../storage/schema.ts';
import type { AuditFilter } from './audit-filter.ts';

// Reading the audit log: one filter, keyset pages newest first, and the same query walked in batches for
// an export. Pages are keyed on the bigserial id, which is the order rows were written in: an exact,
// integer cursor, where a timestamp one would lose microseconds to JavaScript's Date.

/** Which directories the reader may see: every one, or only these (a limited administrator, or one directory's page). */
export type AuditScope = 'all' | readonly string[];

export interface AuditRow {
  readonly id: string;
  readonly createdAt: Date;
  readonly type: string;
  readonly outcome: string;
  readonly directorySlug: string | null;
  readonly accountId: string | null;
  readonly accountEmail: string | null;
  readonly adminEmail: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly detail: Record<string, unknown>;
}

/** The filter with names resolved to ids: what the SQL needs. */
export interface ResolvedAuditFilter {
  readonly type?: string;
  readonly outcome?: string;
  readonly scope: AuditScope;
  readonly who?: { readonly accountIds: readonly string[]; readonly adminIds: readonly string[] };
  readonly from?: Date;
  /** Exclusive: the start of the day after the chosen "to" day. */
  readonly until?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTHING = '00000000-0000-0000-0000-000000000000';

/** Turns an id, an email or a username into the accounts and administrators it names, within the scope. */
async function resolveWho(db: Kysely<Database>, who: string, scope: AuditScope): Promise<ResolvedAuditFilter['who']> {
  if (UUID.test(who)) return { accountIds: [who.toLowerCase()], adminIds: [who.toLowerCase()] };
  const canonical = canonicalize(who);
  let accounts = db.selectFrom('accounts').select('id').where((eb) => eb.or([eb('email_canonical', '=', canonical), eb('username_canonical', '=', canonical)]));
  if (scope !== 'all') accounts = accounts.where('directory_id', 'in', scope.length ? [...scope] : [NOTHING]);
  const [accountRows, adminRows] = await Promise.all([
    accounts.limit(100).execute(),
    db.selectFrom('admins').select('id').where('email_canonical', '=', canonical).execute(),
  ]);
  return { accountIds: accountRows.map((r) => r.id), adminIds: adminRows.map((r) => r.id) };
}

export async function resolveAuditFilter(db: Kysely<Database>, filter: AuditFilter, scope: AuditScope): Promise<ResolvedAuditFilter> {
  return {
    scope,
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.who ? { who: await resolveWho(db, filter.who, scope) } : {}),
    ...(filter.from ? { from: new Date(`${filter.from}T00:00:00Z`) } : {}),
    ...(filter.to ? { until: new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000) } : {}),
  };
}

function conditions(filter: ResolvedAuditFilter, before: string | undefined) {
  return (eb: ExpressionBuilder<Database, 'audit_events'>) => {
    const all = [];
    if (filter.scope !== 'all') all.push(eb('audit_events.directory_id', 'in', filter.scope.length ? [...filter.scope] : [NOTHING]));
    if (filter.type) all.push(eb('audit_events.type', '=', filter.type));
    if (filter.outcome) all.push(eb('audit_events.outcome', '=', filter.outcome));
    if (filter.who) {
      all.push(
        eb.or([
          eb('audit_events.account_id', 'in', filter.who.accountIds.length ? [...filter.who.accountIds] : [NOTHING]),
          eb('audit_events.admin_id', 'in', filter.who.adminIds.length ? [...filter.who.adminIds] : [NOTHING]),
        ]),
      );
    }
    if (filter.from) all.push(eb('audit_events.created_at', '>=', filter.from));
    if (filter.until) all.push(eb('audit_events.created_at', '<', filter.until));
    if (before) all.push(eb('audit_events.id', '<', before));
    return eb.and(all);
  };
}

/** Up to `limit` events older than `before`, newest first. */
export async function findAuditEvents(db: Kysely<Database>, filter: ResolvedAuditFilter, options: { before?: string; limit: number }): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_events')
    .leftJoin('directories', 'directories.id', 'audit_events.directory_id')
    .leftJoin('accounts', 'accounts.id', 'audit_events.account_id')
    .leftJoin('admins', 'admins.id', 'audit_events.admin_id')
    .select([
      'audit_events.id as id',
      'audit_events.created_at as createdAt',
      'audit_events.type as type',
      'audit_events.outcome as outcome',
      'directories.slug as directorySlug',
      'audit_events.account_id as accountId',
      'accounts.email as accountEmail',
      'admins.email as adminEmail',
      'audit_events.ip as ip',
      'audit_events.user_agent as userAgent',
      'audit_events.detail as detail',
    ])
    .where(conditions(filter, options.before))
    .orderBy('audit_events.id', 'desc')
    .limit(options.limit)
    .execute();
  return rows;
}

/** Every matching event, newest first, fetched a batch at a time so an export never holds the whole log. */
export async function* walkAuditEvents(db: Kysely<Database>, filter: ResolvedAuditFilter, batch = 500): AsyncGenerator<AuditRow> {
  let before: string | undefined;
  for (;;) {
    const rows = await findAuditEvents(db, filter, { limit: batch, ...(before ? { before } : {}) });
    yield* rows;
    if (rows.length < batch) return;
    before = rows[rows.length - 1]?.id;
  }
}
