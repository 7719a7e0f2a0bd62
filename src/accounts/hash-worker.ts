import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';
import type { HashJob, HashOutcome, HashWorkerData } from './hash-threads.ts';

// One hashing thread. It lowers its own scheduling priority before taking any work, so that on a busy
// machine the event loop (pages, form posts, mail) and a PostgreSQL beside it run first and hashes use
// whatever CPU is left (F3). Linux applies a priority set on a thread id to that thread alone; the id
// is only readable through /proc/thread-self. Elsewhere the thread keeps the process's priority.

const { params, niceness } = workerData as HashWorkerData;
const verifyOptions = params.secret ? { secret: params.secret } : undefined;

try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, niceness);
} catch {
  // Not Linux, or /proc is not mounted: the thread runs at the process's priority.
}

parentPort?.on('message', (job: HashJob) => {
  let outcome: HashOutcome;
  try {
    outcome = job.kind === 'hash'
      ? { ok: true, value: hashSync(job.password, params) }
      : { ok: true, value: verifySync(job.stored, job.password, verifyOptions) };
  } catch (error) {
    outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(outcome);
});
