import type { Directory } from '../storage/schema.ts';

// The directory rows customer pages need, kept in memory: every sign-in, reset and page load names its
// directory, and reading its row was one statement (and 26 columns) of every request. A row is kept
// only while the instance hears the database's change notices (notice-listener.ts, migration 0061):
// a notice, or any moment the instance could have missed one, forgets every row, so a change made
// through any instance reaches all of them as fast as PostgreSQL delivers a notice (milliseconds).
// Rows are also kept at most MAX_AGE_MS, in case a notice is ever lost without the connection failing.

export const MAX_AGE_MS = 60_000;

export interface DirectoryCache {
  findBySlug(slug: string): Promise<Directory | undefined>;
  /** Drops every row kept: on a notice, on a gap, and on this instance's own changes. */
  forget(): void;
}

export function createDirectoryCache(options: {
  load: (slug: string) => Promise<Directory | undefined>;
  /** Whether rows may be kept at all: the change notices are being heard. */
  trusted: () => boolean;
  now?: () => number;
}): DirectoryCache {
  const now = options.now ?? Date.now;
  const kept = new Map<string, { directory: Directory; at: number }>();
  // Raised by every forget(); a load that started before a change may have read the row before it,
  // and is returned to its caller but not kept.
  let generation = 0;

  return {
    async findBySlug(slug) {
      const entry = kept.get(slug);
      if (entry && options.trusted() && now() - entry.at < MAX_AGE_MS) return entry.directory;
      const started = generation;
      const at = now();
      const directory = await options.load(slug);
      // Unknown slugs are not kept: anyone can make up as many as they like.
      // Frozen: one object now serves many requests, and none of them may change it for the others.
      if (directory && started === generation && options.trusted()) kept.set(slug, { directory: Object.freeze(directory), at });
      return directory;
    },
    forget() {
      generation += 1;
      kept.clear();
    },
  };
}
