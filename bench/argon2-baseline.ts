import { hash, verify } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/accounts/password-hasher.ts';
import { performance } from 'node:perf_hooks';

// The machine's own ceiling: raw argon2id verifications per second at Latchkey's parameters
// (m=19456 KiB, t=2, p=1), with one verification in flight per core, as the server's hash pool runs.

export async function argon2VerificationsPerSecond(concurrency: number, durationMs: number): Promise<number> {
  const password = 'correct horse battery staple 42';
  const stored = await hash(password, ARGON2_OPTIONS);
  let done = 0;
  const deadline = performance.now() + durationMs;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (!(await verify(stored, password))) throw new Error('argon2 verification failed');
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}
