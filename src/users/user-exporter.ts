import type { Kysely } from 'kysely';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Database, Directory } from '../storage/schema.ts';
import { formatCsvRecord } from './csv.ts';
import type { FileFormat } from './read-records.ts';

// `latchkey users export`: every account of a directory in the format `users import` reads, password
// hashes included as stored, so an export imports back unchanged. Pages through the accounts by id,
// never holding more than one page, and waits for the output to drain.

export const EXPORT_COLUMNS = ['email', 'username', 'email_verified', 'display_name', 'locale', 'password_hash'] as const;

const PAGE = 5000;

async function put(output: Writable, text: string): Promise<void> {
  if (!output.write(text)) await once(output, 'drain');
}

export async function exportUsers(db: Kysely<Database>, directory: Directory, format: FileFormat, output: Writable): Promise<number> {
  if (format === 'csv') await put(output, `${formatCsvRecord(EXPORT_COLUMNS)}\n`);
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('accounts')
      .select(['id', ...EXPORT_COLUMNS])
      .where('directory_id', '=', directory.id)
      .$if(after !== undefined, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return count;
    const lines = rows.map((row) =>
      format === 'csv' ? formatCsvRecord(EXPORT_COLUMNS.map((column) => row[column])) : JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, row[column]]))),
    );
    await put(output, `${lines.join('\n')}\n`);
    count += rows.length;
    after = rows.at(-1)?.id;
  }
}
