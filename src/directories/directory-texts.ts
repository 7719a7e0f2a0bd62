import type { Kysely } from 'kysely';
import { isMessageKey, type LanguagePolicy, type Overrides } from '../i18n/i18n.ts';
import type { Database, Directory, Locale, StoredEmailTemplate } from '../storage/schema.ts';

// A directory's overrides and email templates, cached per directory. Every page load has the directory
// row anyway, and the row carries `texts_version`, which every change raises in the same transaction:
// a cached copy with another version is reloaded, so texts follow the row, which every instance drops
// from its own memory when the database says the directories have changed (directory-cache.ts).

export interface DirectoryTexts {
  readonly version: number;
  readonly overrides: Readonly<Partial<Record<Locale, Overrides>>>;
  readonly templates: readonly StoredEmailTemplate[];
}

export interface TextCache {
  /** The directory's texts at the version its row names: from the cache, or loaded once. */
  load(directory: Directory): Promise<DirectoryTexts>;
  /** What load() last returned for this directory; empty before the first load. */
  current(directory: Directory): DirectoryTexts;
}

const EMPTY: DirectoryTexts = { version: -1, overrides: {}, templates: [] };

export function languagePolicy(directory: Directory): LanguagePolicy {
  return { offered: directory.offered_locales, fallback: directory.default_locale };
}

export async function readDirectoryTexts(db: Kysely<Database>, directoryId: string, version: number): Promise<DirectoryTexts> {
  const [rows, templates] = await Promise.all([
    db.selectFrom('text_overrides').select(['locale', 'key', 'text']).where('directory_id', '=', directoryId).execute(),
    db.selectFrom('email_templates').selectAll().where('directory_id', '=', directoryId).execute(),
  ]);
  const overrides: Partial<Record<Locale, Record<string, string>>> = {};
  // A key removed from the catalogs since it was overridden is simply not used.
  for (const row of rows) if (isMessageKey(row.key)) (overrides[row.locale] ??= {})[row.key] = row.text;
  return { version, overrides, templates };
}

export function createTextCache(db: Kysely<Database>): TextCache {
  const cache = new Map<string, DirectoryTexts>();
  const loading = new Map<string, Promise<DirectoryTexts>>();
  return {
    async load(directory) {
      const cached = cache.get(directory.id);
      if (cached && cached.version === directory.texts_version) return cached;
      const key = `${directory.id}:${directory.texts_version}`;
      let pending = loading.get(key);
      if (!pending) {
        pending = readDirectoryTexts(db, directory.id, directory.texts_version).finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      const texts = await pending;
      // Two loads may finish out of order; keep the newer version.
      if ((cache.get(directory.id)?.version ?? -1) <= texts.version) cache.set(directory.id, texts);
      return texts;
    },
    current: (directory) => cache.get(directory.id) ?? EMPTY,
  };
}
