import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ALLOWED, type CounterStore, type Hit, type LimitRules, type LimitScope, type Verdict } from './counter-store.ts';

// Counters in Redis (rate-limiter-flexible's atomic INCR-with-expiry script), with PostgreSQL as the
// insurance store: while Redis is unreachable or slow, every hit is counted in the database instead, so
// the limits keep holding (F2) and never fail open. Commands are not queued while Redis is away, and a
// hit that takes longer than REDIS_TIMEOUT_MS is counted in the database too (counting twice only errs
// on the strict side).

const REDIS_TIMEOUT_MS = 250;
const WARN_EVERY_MS = 30_000;

export interface RedisCounterStoreOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly rules: LimitRules;
  readonly insurance: CounterStore;
  readonly logger: Logger;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createRedisCounterStore(options: RedisCounterStoreOptions): CounterStore {
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastWarning = 0;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis unavailable: rate limits are counted in PostgreSQL');
  };
  // Without a listener ioredis reports every reconnect failure as an unhandled 'error' event.
  client.on('error', warn);

  const limiters = Object.fromEntries(
    (Object.keys(options.rules) as LimitScope[]).map((scope) => [
      scope,
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${options.keyPrefix}rl:${scope}`,
        points: options.rules[scope].max,
        duration: options.rules[scope].windowSeconds,
        rejectIfRedisNotReady: true,
      }),
    ]),
  ) as Record<LimitScope, RateLimiterRedis>;

  async function takeInRedis(scope: LimitScope, key: string): Promise<Verdict> {
    try {
      const res = await limiters[scope].consume(key);
      return { allowed: true, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      throw rejection;
    }
  }

  return {
    async take(hits) {
      for (const [i, hit] of hits.entries()) {
        let verdict: Verdict;
        try {
          verdict = await withTimeout(takeInRedis(hit.scope, hit.key), REDIS_TIMEOUT_MS);
        } catch (error) {
          warn(error);
          // This hit and the ones after it are counted in the database, still in order.
          return options.insurance.take(hits.slice(i));
        }
        if (!verdict.allowed) return verdict;
      }
      return ALLOWED;
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
