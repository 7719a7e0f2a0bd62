import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

// argon2id runs on threads of Latchkey's own rather than on libuv's pool, for two reasons:
// - libuv's pool (4 threads unless UV_THREADPOOL_SIZE says otherwise) also serves file reads, DNS
//   look-ups and async crypto, so hashing there had to leave it threads, and a core, to spare;
// - a thread of our own can lower its scheduling priority (hash-worker.ts). With hashes giving way to
//   the event loop and to PostgreSQL, they can run on every core: a sign-in flood slows sign-ins, not
//   pages (F3), and sign-ins get the whole machine when nothing else wants it.
// Each thread runs one hash at a time; the caller (password-hasher.ts) bounds how many are asked for.

/** What each thread is given at start: the hash parameters (pepper included) and its priority. */
export interface HashWorkerData {
  readonly params: { readonly algorithm: 2; readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number; readonly secret?: Uint8Array };
  readonly niceness: number;
}

export type HashJob = { readonly kind: 'hash'; readonly password: string } | { readonly kind: 'verify'; readonly stored: string; readonly password: string };
/** `lost`: the thread died or was stopped before answering, as opposed to the library refusing the input. */
export type HashOutcome = { readonly ok: true; readonly value: string | boolean } | { readonly ok: false; readonly message: string; readonly lost?: true };

/** The stored string is not a hash the argon2 library can read: a failed match for the caller, not a fault. */
export class UnreadableHash extends Error {}

export interface HashThreads {
  hash(password: string): Promise<string>;
  /** Rejects with UnreadableHash when the stored string is not a hash the library can read. */
  verify(stored: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

/** 10 on Linux's scale of −20..19: about a tenth of a core's share against normal work, never none. */
export const HASH_THREAD_NICENESS = 10;

interface Pending {
  readonly job: HashJob;
  readonly resolve: (outcome: HashOutcome) => void;
}

type WorkerEntry = URL | string;

/**
 * The compiled worker file, or, when running from the sources through tsx (tests, `npx latchkey`), a
 * few lines that register tsx's loader in the new thread before importing it: Node 20 does not carry
 * the loader into worker threads, and does not apply `--import` hooks to a worker's own entry file.
 */
function workerEntry(): WorkerEntry {
  const file = new URL(`./hash-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  if (!file.pathname.endsWith('.ts')) return file;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
}

class HashThread {
  private readonly worker: Worker;
  private current: Pending | undefined;

  constructor(entry: WorkerEntry, data: HashWorkerData, private readonly onIdle: (thread: HashThread) => void, onExit: (thread: HashThread) => void) {
    this.worker = typeof entry === 'string' ? new Worker(entry, { eval: true, workerData: data }) : new Worker(entry, { workerData: data });
    this.worker.on('message', (outcome: HashOutcome) => {
      const done = this.current;
      this.current = undefined;
      this.worker.unref();
      done?.resolve(outcome);
      this.onIdle(this);
    });
    const fail = (message: string) => {
      const interrupted = this.current;
      this.current = undefined;
      interrupted?.resolve({ ok: false, message, lost: true });
      onExit(this);
    };
    this.worker.on('error', (error) => fail(`hash thread failed: ${error.message}`));
    this.worker.on('exit', (code) => fail(`hash thread exited with ${code}`));
    // An idle thread must not keep a finished CLI command or test process alive, and a busy one must:
    // a hash being awaited may be all the process has left to do. Unref'd after the listeners, since
    // adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  start(pending: Pending): void {
    this.current = pending;
    this.worker.ref();
    this.worker.postMessage(pending.job);
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

export function createHashThreads(options: { threads: number; params: HashWorkerData['params']; niceness?: number }): HashThreads {
  const entry = workerEntry();
  const data: HashWorkerData = { params: options.params, niceness: options.niceness ?? HASH_THREAD_NICENESS };
  const idle: HashThread[] = [];
  const live = new Set<HashThread>();
  const waiting: Pending[] = [];
  let closed = false;

  const onIdle = (thread: HashThread) => {
    const next = waiting.shift();
    if (next) thread.start(next);
    else idle.push(thread);
  };
  // A thread that died (it should not) is dropped; the next job that finds no idle thread starts another.
  const onExit = (thread: HashThread) => {
    live.delete(thread);
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    if (!closed && waiting.length > 0 && live.size < options.threads) spawn();
  };
  const spawn = () => {
    const thread = new HashThread(entry, data, onIdle, onExit);
    live.add(thread);
    onIdle(thread);
  };

  const run = (job: HashJob): Promise<HashOutcome> =>
    new Promise((resolve) => {
      if (closed) return resolve({ ok: false, message: 'hashing has been shut down', lost: true });
      const pending = { job, resolve };
      const thread = idle.pop();
      if (thread) return thread.start(pending);
      waiting.push(pending);
      if (live.size < options.threads) spawn();
    });

  return {
    async hash(password) {
      const outcome = await run({ kind: 'hash', password });
      if (!outcome.ok) throw new Error(outcome.message);
      return outcome.value as string;
    },
    async verify(stored, password) {
      const outcome = await run({ kind: 'verify', stored, password });
      if (outcome.ok) return outcome.value === true;
      throw outcome.lost ? new Error(outcome.message) : new UnreadableHash(outcome.message);
    },
    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) pending.resolve({ ok: false, message: 'hashing has been shut down', lost: true });
      await Promise.all([...live].map((thread) => thread.stop()));
    },
  };
}
