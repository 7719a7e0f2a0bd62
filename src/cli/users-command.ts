import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { createDatabase, migrateToLatest } from '../storage/database.ts';
import type { Database, Directory } from '../storage/schema.ts';
import { createDirectoryStore, DEFAULT_DIRECTORY_SLUG } from '../directories/directory-store.ts';
import { exportUsers } from '../users/user-exporter.ts';
import { importUsers } from '../users/user-importer.ts';
import { createProgressReporter } from '../users/import-progress.ts';
import { formatFromFileName, type FileFormat } from '../users/read-records.ts';
import type { FirebaseScryptParameters } from '../users/stored-hash-from-record.ts';

// `latchkey users import FILE` and `latchkey users export`: moving customers in and out in bulk.
// Status: 0 done (every row imported), 1 done with rejected rows or a missing directory/file, 2 usage.

export const USERS_USAGE = `Usage: latchkey users import FILE [--directory <slug>] [--format jsonl|csv] [--peppered]
           [--firebase-signer-key <base64> --firebase-salt-separator <base64> --firebase-rounds <n> --firebase-mem-cost <n>]
       latchkey users export [--directory <slug>] [--format jsonl|csv] [> FILE]
`;

const OPTIONS = {
  directory: { type: 'string', default: 'default' },
  format: { type: 'string' },
  peppered: { type: 'boolean', default: false },
  'batch-size': { type: 'string' },
  'firebase-signer-key': { type: 'string' },
  'firebase-salt-separator': { type: 'string' },
  'firebase-rounds': { type: 'string' },
  'firebase-mem-cost': { type: 'string' },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

export type OpenDatabase = () => Promise<{ url: string; cluster?: { stop(): Promise<void> } }>;

function parse(args: readonly string[]): Parsed | undefined {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  } catch {
    return undefined;
  }
}

function firebaseParameters(values: Parsed['values']): Partial<FirebaseScryptParameters> {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    signerKey: values['firebase-signer-key'],
    saltSeparator: values['firebase-salt-separator'],
    rounds: number(values['firebase-rounds']),
    memCost: number(values['firebase-mem-cost']),
  };
}

async function runImport(db: Kysely<Database>, directory: Directory, file: string, format: FileFormat, values: Parsed['values']): Promise<number> {
  const size = await stat(file).then((s) => s.size, () => undefined);
  if (size === undefined) {
    process.stderr.write(`Cannot read ${file}\n`);
    return 1;
  }
  const input = createReadStream(file);
  const progress = createProgressReporter(process.stderr, size, () => input.bytesRead);
  const clearLine = process.stderr.isTTY ? '\r\x1b[K' : '';
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  const result = await importUsers(db, input, {
    directory,
    format,
    peppered: values.peppered,
    firebase: firebaseParameters(values),
    ...(batchSize ? { batchSize } : {}),
    onProblem: ({ line, reason }) => process.stderr.write(`${clearLine}line ${line}: ${reason}\n`),
    onProgress: (p) => progress.update(p),
  });
  progress.finish(result);
  process.stdout.write(`Imported ${result.imported} accounts into directory ${directory.slug}; ${result.rejected} rows rejected.\n`);
  return result.rejected > 0 ? 1 : 0;
}

export async function runUsersCommand(args: readonly string[], open: OpenDatabase): Promise<number> {
  const parsed = parse(args);
  const [action, file, ...extra] = parsed?.positionals ?? [];
  const format = (parsed?.values.format ?? (action === 'import' && file ? formatFromFileName(file) : 'jsonl')) as FileFormat | undefined;
  const valid = parsed && extra.length === 0 && (format === 'jsonl' || format === 'csv') && ((action === 'import' && file) || (action === 'export' && !file));
  if (!valid) {
    process.stderr.write(action === 'import' && file && !format ? `Cannot tell the format of ${file}: name it .jsonl or .csv, or pass --format.\n${USERS_USAGE}` : USERS_USAGE);
    return 2;
  }
  const { url, cluster } = await open();
  const db = createDatabase(url, { max: 4 });
  try {
    await migrateToLatest(db);
    const directories = createDirectoryStore(db);
    // The default directory exists from a server's first start; an import may come before that.
    const slug = parsed.values.directory;
    const directory = slug === DEFAULT_DIRECTORY_SLUG ? await directories.ensureDefault() : await directories.findBySlug(slug);
    if (!directory) {
      process.stderr.write(`No directory with the slug "${slug}".\n`);
      return 1;
    }
    if (action === 'import') return await runImport(db, directory, file!, format, parsed.values);
    await exportUsers(db, directory, format, process.stdout);
    return 0;
  } finally {
    await db.destroy();
    await cluster?.stop();
  }
}
