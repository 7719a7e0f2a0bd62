import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { canonicalize } from '../domain/identifier.ts';
import { keyedHash } from '../domain/secrets.ts';
import { tooManyRequests } from '../http/latchkey-error.ts';
import type { Database } from '../storage/schema.ts';
import type { CounterStore, Hit, LimitRules } from './counter-store.ts';
import { createPostgresCounterStore } from './postgres-counter-store.ts';
import { createRedisCounterStore } from './redis-counter-store.ts';

// Rate limits on the forms an attacker would hammer: per client IP (as TRUST_PROXY resolved it, L5), per
// identifier and per directory. Every attempt is counted before anything is looked up, so an existing
// and an unknown account are limited alike and a 429 says nothing about either (R12, R13). Scopes are
// checked IP first and stop at the first refusal, so one noisy address cannot spend a victim's
// per-identifier budget beyond its own allowance.

export type LimitedAction = 'sign_in' | 'sign_up' | 'reset_request' | 'reset_verify' | 'admin_sign_in';

export interface LimitSubject {
  readonly ip: string;
  /** Absent for the admin portal, whose limits are global rather than per directory. */
  readonly directoryId?: string;
  /** As typed; canonicalised and keyed-hashed here, so no address is ever stored in a counter. */
  readonly identifier?: string;
}

export interface RateLimits {
  /** Counts one attempt; throws a 429 LatchkeyError carrying Retry-After when a limit is exceeded. */
  check(action: LimitedAction, subject: LimitSubject): Promise<void>;
  close(): Promise<void>;
}

/** An IPv6 client controls at least a /64, so that is the unit counted; IPv4-mapped addresses count as IPv4. */
export function ipKeyOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createRateLimits(options: {
  db: Kysely<Database>;
  key: Buffer;
  rules: LimitRules;
  redis?: { url: string; keyPrefix: string };
  logger: Logger;
}): RateLimits {
  const database = createPostgresCounterStore(options.db, options.rules);
  const store: CounterStore = options.redis
    ? createRedisCounterStore({ ...options.redis, rules: options.rules, insurance: database, logger: options.logger })
    : database;

  function hitsOf(action: LimitedAction, subject: LimitSubject): Hit[] {
    const hits: Hit[] = [{ scope: 'ip', key: `${action}:${ipKeyOf(subject.ip)}` }];
    if (subject.identifier !== undefined) {
      const owner = subject.directoryId ?? 'admin';
      hits.push({ scope: 'identifier', key: `${action}:${keyedHash(options.key, 'rate-limit', `${owner}:${canonicalize(subject.identifier)}`)}` });
    }
    if (subject.directoryId !== undefined) hits.push({ scope: 'directory', key: `${action}:${subject.directoryId}` });
    return hits;
  }

  return {
    async check(action, subject) {
      const verdict = await store.take(hitsOf(action, subject));
      if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    },
    close: () => store.close(),
  };
}
