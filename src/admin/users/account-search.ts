import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { canonicalize } from '../../domain/identifier.ts';
import type { Database } from '../../storage/schema.ts';

// Prefix search over a directory's accounts by email, username or display name. Every branch of the OR
// is `column LIKE 'prefix%'` on a text_pattern_ops index led by directory_id (migration 0020), so the
// planner answers it with index scans whatever the size of the table; pages are keyset (after the last
// canonical email shown), so page 1000 costs what page 1 does.

export const USERS_PAGE_SIZE = 25;
export const MAX_SEARCH_LENGTH = 254;

export interface AccountSearch {
  readonly directoryId: string;
  readonly query: string;
  /** The canonical email of the last row of the previous page. */
  readonly after?: string;
}

export interface AccountRow {
  readonly id: string;
  readonly email: string;
  readonly email_canonical: string;
  readonly username: string | null;
  readonly display_name: string;
  readonly disabled: boolean;
  readonly locked_until: Date | null;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

type AccountsQuery = SelectQueryBuilder<Database, 'accounts', AccountRow>;

/** The query itself, exposed so a test can EXPLAIN exactly what the page runs. */
export function accountSearchQuery(db: Kysely<Database>, search: AccountSearch, limit = USERS_PAGE_SIZE + 1): AccountsQuery {
  let query = db
    .selectFrom('accounts')
    .select(['id', 'email', 'email_canonical', 'username', 'display_name', 'disabled', 'locked_until'])
    .where('directory_id', '=', search.directoryId);
  const typed = search.query.trim();
  if (search.after !== undefined) query = query.where('email_canonical', '>', search.after);
  if (typed === '') return query.orderBy('email_canonical').limit(limit);
  const prefix = `${escapeLike(canonicalize(typed))}%`;
  const namePrefix = `${escapeLike(typed.normalize('NFKC').toLowerCase())}%`;
  query = query.where((eb) =>
    eb.or([
      eb('email_canonical', 'like', prefix),
      eb('username_canonical', 'like', prefix),
      eb(eb.fn('lower', ['display_name']), 'like', namePrefix),
    ]),
  );
  // Sorted by an expression no index provides, on purpose: otherwise the planner may walk the
  // directory's whole email index in order, hoping to meet 25 matches early, which on a rare prefix is
  // a full scan. This way it takes the three prefix indexes and sorts only the matches.
  return query.orderBy(sql`email_canonical || ''`).limit(limit);
}

export async function searchAccounts(db: Kysely<Database>, search: AccountSearch): Promise<{ rows: AccountRow[]; next?: string }> {
  const rows = await accountSearchQuery(db, search).execute();
  if (rows.length <= USERS_PAGE_SIZE) return { rows };
  const page = rows.slice(0, USERS_PAGE_SIZE);
  return { rows: page, next: page[page.length - 1]!.email_canonical };
}
