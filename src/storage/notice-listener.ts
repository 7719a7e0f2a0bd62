import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';

// One connection of its own, outside the pool, that LISTENs on a channel. What a listener does not hear
// while its connection is down is lost, so the owner is told of every gap (`onGap`) as well as of every
// notice, and `listening` says whether silence currently means "nothing changed".
//
// A connection can also stop hearing without failing: a network partition that sends no reset, or a
// pooler in transaction mode that hands the LISTENing server connection to another client. So the
// listener sends itself a notice when it starts and every CHECK_MS after, and counts a notice it does
// not hear back within a few seconds as a gap: silence is trusted only while the path is seen to work.

export interface NoticeListener {
  /** True while LISTEN is in effect on a connection that has lately heard its own notice. */
  readonly listening: boolean;
  /**
   * Resolves once every notice committed before the call has been heard: the listener sends a notice of
   * its own and waits for it, since a session hears a channel's notices in commit order.
   */
  caughtUp(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface NoticeListenerOptions {
  readonly databaseUrl: string;
  readonly channel: string;
  readonly logger: Logger;
  /** A notice arrived: something changed. */
  readonly onNotice: () => void;
  /** Notices may have been missed: the connection was lost, stopped hearing, or has just been made. */
  readonly onGap: () => void;
  readonly retryMs?: number;
  /** How often the listener checks that it still hears its own notice, and how long it waits for it. */
  readonly checkMs?: number;
  readonly checkTimeoutMs?: number;
}

const SYNC_PREFIX = 'sync:';
/** How the connection shows in pg_stat_activity. */
export const NOTICE_APPLICATION_NAME = 'latchkey notices';
const CHECK_MS = 10_000;
const CHECK_TIMEOUT_MS = 3000;

export function listenForNotices(options: NoticeListenerOptions): NoticeListener {
  const retryMs = options.retryMs ?? 1000;
  const checkMs = options.checkMs ?? CHECK_MS;
  const checkTimeoutMs = options.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let paused = false;
  let retry: NodeJS.Timeout | undefined;
  const waiting = new Map<string, () => void>();

  function lost(from: pg.Client, error?: Error): void {
    if (client !== from) return;
    client = undefined;
    if (listening) {
      options.logger.warn({ err: error?.message, channel: options.channel }, 'not hearing database notices; caching paused until they are heard again');
      paused = true;
    }
    listening = false;
    options.onGap();
    // A gap makes the owner forget everything, which is all a caller of caughtUp() waits for.
    for (const release of waiting.values()) release();
    from.end().catch(() => undefined);
    if (!closed) {
      retry = setTimeout(connect, retryMs);
      retry.unref();
    }
  }

  /** Sends a notice on the listening connection itself and waits to hear it back. */
  async function roundTrip(on: pg.Client, timeoutMs: number): Promise<void> {
    const token = `${SYNC_PREFIX}${randomUUID()}`;
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`own notice not heard within ${timeoutMs} ms`)), timeoutMs);
      waiting.set(token, resolve);
    });
    try {
      // Both awaited together: a connection that no longer answers leaves the query pending for good.
      await Promise.all([on.query('SELECT pg_notify($1, $2)', [options.channel, token]), heard]);
    } finally {
      clearTimeout(timer);
      waiting.delete(token);
    }
  }

  function connect(): void {
    retry = undefined;
    const next = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000, application_name: NOTICE_APPLICATION_NAME });
    client = next;
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      const payload = message.payload ?? '';
      // A listener's own check is not a change; every instance hears it, and none should forget for it.
      if (payload.startsWith(SYNC_PREFIX)) waiting.get(payload)?.();
      else options.onNotice();
    });
    next
      .connect()
      .then(() => next.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`))
      .then(() => roundTrip(next, checkTimeoutMs))
      .then(() => {
        if (client !== next || closed) return;
        // Whatever was kept before this moment may have changed unheard.
        options.onGap();
        listening = true;
        if (paused) options.logger.info({ channel: options.channel }, 'hearing database notices again; caching resumed');
        paused = false;
        // The connection only waits for notices; it must not keep a CLI command or a test alive.
        (next as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
        scheduleCheck(next);
      })
      .catch((error: unknown) => lost(next, error as Error));
  }

  function scheduleCheck(on: pg.Client): void {
    const timer = setTimeout(() => {
      if (client !== on || closed) return;
      roundTrip(on, checkTimeoutMs).then(
        () => scheduleCheck(on),
        (error: unknown) => lost(on, error as Error),
      );
    }, checkMs);
    timer.unref();
  }

  connect();

  return {
    get listening() {
      return listening;
    },
    async caughtUp(timeoutMs = 5000) {
      const current = client;
      // Not listening: the owner keeps nothing, so nothing it keeps can be behind.
      if (!listening || !current) return;
      await roundTrip(current, timeoutMs).catch((error: unknown) => {
        lost(current, error as Error);
        throw error;
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      listening = false;
      await current?.end().catch(() => undefined);
    },
  };
}
