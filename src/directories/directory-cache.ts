import pg from 'pg';
import type { Logger } from 'pino';
import type { Directory } from '../storage/schema.ts';
import type { DirectoryStore } from './directory-store.ts';

// Directory settings are read on nearly every request, and change a few times a year. Each instance
// keeps what it read for at most `ttlMs`, and only while it is listening for the notice the database
// sends at the commit of any change to a directory (migration 0080): a change made on any instance, or
// by hand in SQL, drops every instance's copy at once, so the next page load reads it afresh. While the
// listening connection is down, nothing is kept and every request reads the database, as before; the
// TTL bounds what a lost notice could cost.

const CHANNEL = 'latchkey_directories';
const RECONNECT_MS = 1000;

export interface DirectoryCache extends DirectoryStore {
  close(): Promise<void>;
}

export async function createDirectoryCache(store: DirectoryStore, options: { databaseUrl: string; logger: Logger; ttlMs?: number }): Promise<DirectoryCache> {
  const ttlMs = options.ttlMs ?? 1000;
  const entries = new Map<string, { readonly directory: Directory | undefined; readonly until: number }>();
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  // Bumped by every forget, so a read that was under way when a notice came is not kept.
  let generation = 0;
  const forget = () => {
    generation += 1;
    entries.clear();
  };

  async function listen(): Promise<void> {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    const lost = () => {
      if (client !== next) return;
      listening = false;
      client = undefined;
      forget();
      void next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void listen(), RECONNECT_MS).unref();
    };
    next.on('notification', forget);
    next.on('error', lost);
    next.on('end', lost);
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (client !== next) return;
      // Anything read before the notices started flowing may have missed one.
      forget();
      listening = true;
    } catch (error) {
      options.logger.warn({ err: (error as Error).message }, 'directory change notices unavailable: directory settings are read on every request');
      lost();
    }
  }
  await listen();

  return {
    async findBySlug(slug) {
      const now = Date.now();
      const entry = entries.get(slug);
      if (listening && entry && entry.until > now) return entry.directory;
      const readIn = generation;
      const directory = await store.findBySlug(slug);
      // Unknown slugs are not kept: a probe of many names would otherwise fill the map.
      if (listening && directory && readIn === generation) entries.set(slug, { directory: Object.freeze(directory), until: now + ttlMs });
      return directory;
    },
    list: () => store.list(),
    ensureDefault: () => store.ensureDefault().finally(forget),
    // The notice will come too; forgetting now means this instance's very next request reads the change.
    setResetScope: (directoryId, scope) => store.setResetScope(directoryId, scope).finally(forget),
    async close() {
      closed = true;
      clearTimeout(retry);
      listening = false;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
