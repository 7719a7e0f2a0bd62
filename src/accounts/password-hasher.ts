import { availableParallelism } from 'node:os';
import { busy } from '../http/latchkey-error.ts';
import { normalizePassword } from '../domain/password-policy.ts';
import { parseImportedHash, verifyImportedHash } from './imported-hash.ts';
import { createHashThreads, UnreadableHash } from './hash-threads.ts';

// argon2id at OWASP's first recommended setting (S1). Hashing runs off the event loop, on threads of
// lower priority (hash-threads.ts), but without a bound a sign-in flood would queue unbounded work and
// memory (19 MiB each): at most `concurrency` run at once and at most `queueLimit` wait; past that the
// request is turned away fast with 503 (F3).

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
  /** Stops the hashing threads; what is still queued is refused. */
  close(): Promise<void>;
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
 * One hashing thread per core, since they yield to everything else (hash-threads.ts), but no more than
 * eight: each costs about 30 MB while it hashes (19 MiB of argon2id memory and its own JavaScript heap),
 * and an instance is sized by memory as much as by CPU. HASH_CONCURRENCY sets it.
 */
export function defaultHashConcurrency(): number {
  return Math.min(availableParallelism(), 8);
}

export function createPasswordHasher(options: { concurrency?: number; queueLimit: number; pepper?: string }): PasswordHasher {
  const limit = options.concurrency ?? defaultHashConcurrency();
  const gate = new Semaphore(limit, options.queueLimit);
  const secret = options.pepper ? Buffer.from(options.pepper, 'utf8') : undefined;
  const threads = createHashThreads({ threads: limit, params: secret ? { ...ARGON2_OPTIONS, secret } : ARGON2_OPTIONS });
  const verifyArgon2 = (stored: string, password: string) =>
    threads.verify(stored, normalizePassword(password)).catch((error: unknown) => {
      // A corrupt or foreign hash string is a failed match, never a crash. A hashing thread that died
      // is a fault, and must not count as a wrong password against the account's lockout.
      if (error instanceof UnreadableHash) return false;
      throw error;
    });
  // A real hash of a random string, so a verification against it does exactly the work of a real one.
  const dummy = gate.run(() => threads.hash(`dummy-${Math.random()}`));
  dummy.catch(() => undefined); // Only a shutdown before it is made rejects it; verifyNothing then rejects.

  return {
    hash: (password) => gate.run(() => threads.hash(normalizePassword(password))),
    verify: (storedHash, password) =>
      gate.run(() => (parseImportedHash(storedHash) ? verifyImportedHash(storedHash, password) : verifyArgon2(storedHash, password))),
    verifyNothing: async (password) => {
      const stored = await dummy;
      await gate.run(() => verifyArgon2(stored, password));
    },
    needsRehash: (storedHash) => !storedHash.startsWith(CURRENT_PREFIX),
    stats: () => gate.stats(),
    close: () => threads.close(),
  };
}
