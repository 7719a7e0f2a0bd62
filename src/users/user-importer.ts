import { sql, type Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import type { Database, Directory } from '../storage/schema.ts';
import { parseImportRow, type ImportRow } from './import-row.ts';
import { readRecords, type FileFormat } from './read-records.ts';
import type { HashImportOptions } from './stored-hash-from-record.ts';

// `latchkey users import`: streams the file, checks each record, and writes good rows in batches of one
// INSERT … SELECT FROM unnest(…) each. An account is one row (its email and username identities and the
// verified flag are columns of it), so every row goes in whole or not at all. ON CONFLICT DO NOTHING
// skips a row whose email or username is already taken without failing its batch; the rows the INSERT
// did not return are those, reported as duplicates. Repeats inside the file are caught before the
// database, by remembering every identifier seen. Two batches are in flight at once, so parsing the next
// one overlaps the database's work on the last.

export interface ImportProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ImportProgress {
  readonly read: number;
  readonly imported: number;
  readonly rejected: number;
}

export interface ImportOptions extends HashImportOptions {
  readonly directory: Directory;
  readonly format: FileFormat;
  readonly batchSize?: number;
  readonly onProblem: (problem: ImportProblem) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

const DEFAULT_BATCH = 5000;
const IN_FLIGHT = 2;

interface Batch {
  readonly rows: ImportRow[];
  readonly lines: number[];
}

async function insertBatch(db: Kysely<Database>, directoryId: string, batch: Batch): Promise<Set<string>> {
  const column = <K extends keyof ImportRow>(key: K) => batch.rows.map((row) => row[key]);
  const result = await sql<{ email_canonical: string }>`
    INSERT INTO accounts (directory_id, email, email_canonical, email_verified, username, username_canonical, display_name, locale, password_hash)
    SELECT ${directoryId}::uuid, t.* FROM unnest(
      ${column('email')}::text[], ${column('emailCanonical')}::text[], ${column('emailVerified')}::boolean[],
      ${column('username')}::text[], ${column('usernameCanonical')}::text[], ${column('displayName')}::text[],
      ${column('locale')}::text[], ${column('passwordHash')}::text[]) AS t
    ON CONFLICT DO NOTHING
    RETURNING email_canonical`.execute(db);
  return new Set(result.rows.map((row) => row.email_canonical));
}

/** Why rows the INSERT skipped were skipped: their email, else their username, belongs to an account already. */
async function explainSkipped(db: Kysely<Database>, directoryId: string, skipped: readonly ImportRow[]): Promise<string[]> {
  const taken = await db
    .selectFrom('accounts')
    .select('email_canonical')
    .where('directory_id', '=', directoryId)
    .where('email_canonical', 'in', skipped.map((row) => row.emailCanonical))
    .execute();
  const emails = new Set(taken.map((row) => row.email_canonical));
  return skipped.map((row) => (emails.has(row.emailCanonical) ? 'an account with this email address already exists' : 'an account with this username already exists'));
}

export async function importUsers(db: Kysely<Database>, input: Readable, options: ImportOptions): Promise<ImportProgress> {
  const { directory } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const seenEmails = new Map<string, number>();
  const seenUsernames = new Map<string, number>();
  const counts = { read: 0, imported: 0, rejected: 0 };
  const reject = (line: number, reason: string) => {
    counts.rejected += 1;
    options.onProblem({ line, reason });
  };
  const inFlight: Promise<void>[] = [];
  let batch: Batch = { rows: [], lines: [] };

  async function write(full: Batch): Promise<void> {
    const inserted = await insertBatch(db, directory.id, full);
    counts.imported += inserted.size;
    const skipped = full.rows.flatMap((row, i) => (inserted.has(row.emailCanonical) ? [] : [{ row, line: full.lines[i] ?? 0 }]));
    if (skipped.length > 0) {
      const reasons = await explainSkipped(db, directory.id, skipped.map((s) => s.row));
      skipped.forEach((s, i) => reject(s.line, reasons[i] ?? 'already exists'));
    }
    options.onProgress?.({ ...counts });
  }

  async function flush(): Promise<void> {
    if (batch.rows.length === 0) return;
    const written = write(batch);
    // Awaited below; the handler only keeps a failure of the later batch from counting as unhandled meanwhile.
    written.catch(() => undefined);
    inFlight.push(written);
    batch = { rows: [], lines: [] };
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
  }

  for await (const record of readRecords(input, options.format)) {
    counts.read += 1;
    if ('error' in record) {
      reject(record.line, record.error);
      continue;
    }
    const parsed = parseImportRow(record.fields, { ...options, signInIdentifier: directory.sign_in_identifier });
    if (!parsed.ok) {
      reject(record.line, parsed.reason);
      continue;
    }
    const { row } = parsed;
    const earlier = seenEmails.get(row.emailCanonical) ?? (row.usernameCanonical === null ? undefined : seenUsernames.get(row.usernameCanonical));
    if (earlier !== undefined) {
      reject(record.line, `repeats the ${seenEmails.has(row.emailCanonical) ? 'email address' : 'username'} of line ${earlier}`);
      continue;
    }
    seenEmails.set(row.emailCanonical, record.line);
    if (row.usernameCanonical !== null) seenUsernames.set(row.usernameCanonical, record.line);
    batch.rows.push(row);
    batch.lines.push(record.line);
    if (batch.rows.length >= batchSize) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  return counts;
}
