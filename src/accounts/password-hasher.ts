import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { busy } from '../http/latchkey-error.ts';
import { normalizePassword } from '../domain/password-policy.ts';
import { parseImportedHash, verifyImportedHash } from './imported-hash.ts';

// argon2id at OWASP's first recommended setting (S1). Hashing runs off the event loop, but without a
// bound a sign-in flood would queue unbounded work and memory (19 MiB each): at most `concurrency` run
// at once and at most `queueLimit` wait; past that the request is turned away fast with 503 (F3).

export const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id; a const enum, unusable as a value under verbatimModuleSyntax */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** What a hash made now starts with: anything else (imported, or older parameters) is re-hashed at sign-in (S1). */
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when the password matches; unknown accounts call `verifyNothing` so they cost the same (R13). */
  verify(storedHash: string, password: string): Promise<boolean>;
  verifyNothing(password: string): Promise<void>;
  /** True for a stored hash that is not argon2id at today's parameters: it is replaced after the next successful verification. */
  needsRehash(storedHash: string): boolean;
  readonly stats: () => { running: number; queued: number };
}

class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number, private readonly queueLimit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.queueLimit) throw busy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  stats() {
    return { running: this.running, queued: this.waiting.length };
  }
}

/**
 * Each hash keeps a core busy on one of libuv's pool threads (UV_THREADPOOL_SIZE, 4 unless set), which
 * file reads, DNS look-ups and async crypto share. Hashing on every core starves the event loop (and a
 * PostgreSQL on the same machine), so under a sign-in flood pages would wait behind hashes. By default
 * one core and one pool thread stay free: a flood slows sign-ins, not pages (F3).
 */
export function defaultHashConcurrency(): number {
  const poolThreads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() - 1, poolThreads - 1));
}

export function createPasswordHasher(options: { concurrency?: number; queueLimit: number; pepper?: string }): PasswordHasher {
  const limit = options.concurrency ?? defaultHashConcurrency();
  const gate = new Semaphore(limit, options.queueLimit);
  const secret = options.pepper ? Buffer.from(options.pepper, 'utf8') : undefined;
  const params = secret ? { ...ARGON2_OPTIONS, secret } : ARGON2_OPTIONS;
  // A real hash of a random string, so a verification against it does exactly the work of a real one.
  const dummy = gate.run(() => hash(`dummy-${Math.random()}`, params));

  return {
    hash: (password) => gate.run(() => hash(normalizePassword(password), params)),
    verify: (storedHash, password) =>
      gate.run(async () => {
        if (parseImportedHash(storedHash)) return verifyImportedHash(storedHash, password);
        try {
          return await verify(storedHash, normalizePassword(password), secret ? { secret } : undefined);
        } catch {
          // A corrupt or foreign hash string is a failed match, never a crash.
          return false;
        }
      }),
    verifyNothing: async (password) => {
      const stored = await dummy;
      await gate.run(() => verify(stored, normalizePassword(password), secret ? { secret } : undefined).catch(() => false));
    },
    needsRehash: (storedHash) => !storedHash.startsWith(CURRENT_PREFIX),
    stats: () => gate.stats(),
  };
}
