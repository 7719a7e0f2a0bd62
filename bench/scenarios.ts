import { BenchClient, expectStatus } from './bench-client.ts';
import { runLoad, type RunResult } from './load-run.ts';
import { codeIn, type SmtpSink } from '../test/support/smtp-sink.ts';

// The scenarios of issue 5, each through the real pages and forms (cookies and CSRF tokens included).
// Every customer account a scenario uses is its own slice of the seeded pool, so no scenario is slowed
// by another's throttles or sessions.

export const PASSWORD = 'correct horse battery staple 42';
export const emailOf = (index: number): string => `bench-${index}@bench.test`;

export interface ScenarioContext {
  readonly base: URL;
  readonly smtp: SmtpSink;
  readonly concurrency: number;
  readonly durationMs: number;
}

const RESET = '/d/default/reset';

export async function signInPage(ctx: ScenarioContext): Promise<RunResult> {
  const clients = Array.from({ length: ctx.concurrency }, () => new BenchClient(ctx.base));
  return runLoad({ ...ctx, step: async (vu) => (expectStatus(await clients[vu]!.get('/d/default/signin'), 200), true) });
}

/** Right password every time, on accounts 0..concurrency-1. */
export async function signIn(ctx: ScenarioContext): Promise<RunResult> {
  const clients = Array.from({ length: ctx.concurrency }, () => new BenchClient(ctx.base));
  await Promise.all(clients.map((c) => c.get('/d/default/signin')));
  return runLoad({
    ...ctx,
    step: async (vu) => (expectStatus(await clients[vu]!.post('/d/default/signin', { identifier: emailOf(vu), password: PASSWORD }), 303), true),
  });
}

/**
 * Reset requests alternating between existing accounts (from `firstAccount`, each asked once) and
 * unknown addresses, in one run, so the two medians share the machine's state (R13).
 */
export async function resetRequests(ctx: ScenarioContext, firstAccount: number, accounts: number): Promise<RunResult & { existingMs: number[]; unknownMs: number[] }> {
  const clients = Array.from({ length: ctx.concurrency }, () => new BenchClient(ctx.base));
  await Promise.all(clients.map((c) => c.get(RESET)));
  const existingMs: number[] = [];
  const unknownMs: number[] = [];
  let next = 0;
  const result = await runLoad({
    ...ctx,
    step: async (vu) => {
      const n = next++;
      if (n / 2 >= accounts) return false;
      const existing = n % 2 === 0;
      const email = existing ? emailOf(firstAccount + n / 2) : `nobody-${firstAccount}-${n}@bench.test`;
      const t0 = performance.now();
      expectStatus(await clients[vu]!.post(RESET, { email }), 303);
      (existing ? existingMs : unknownMs).push(performance.now() - t0);
      return true;
    },
  });
  return { ...result, existingMs, unknownMs };
}

async function requestCode(ctx: ScenarioContext, client: BenchClient, email: string): Promise<{ flowPath: string; code: string }> {
  expectStatus(await client.get(RESET), 200);
  const answer = expectStatus(await client.post(RESET, { email }), 303);
  const mail = await ctx.smtp.waitFor((m) => m.to.includes(email), 30_000);
  return { flowPath: answer.location ?? '', code: codeIn(mail) };
}

export interface PendingCode {
  readonly client: BenchClient;
  readonly flowPath: string;
  readonly code: string;
}

/** Codes requested ahead of the timed run, one flow (and browser) per account. */
export async function requestCodes(ctx: ScenarioContext, firstAccount: number, accounts: number): Promise<PendingCode[]> {
  const pending: PendingCode[] = [];
  let prepared = 0;
  await Promise.all(
    Array.from({ length: ctx.concurrency }, async () => {
      while (prepared < accounts) {
        const client = new BenchClient(ctx.base);
        pending.push({ client, ...(await requestCode(ctx, client, emailOf(firstAccount + prepared++))) });
      }
    }),
  );
  return pending;
}

/** Each right code submitted once. */
export function codeVerification(ctx: ScenarioContext, pending: PendingCode[]): Promise<RunResult> {
  return runLoad({
    ...ctx,
    durationMs: Number.POSITIVE_INFINITY,
    step: async () => {
      const item = pending.pop();
      if (!item) return false;
      expectStatus(await item.client.post(`${item.flowPath}/verify`, { code: item.code }), 303);
      return true;
    },
  });
}

/** Request → code read from the SMTP sink → verify → continue → new password, a fresh account each time. */
export async function resetRoundTrip(ctx: ScenarioContext, firstAccount: number, accounts: number): Promise<RunResult> {
  let next = 0;
  return runLoad({
    ...ctx,
    step: async () => {
      if (next >= accounts) return false;
      const client = new BenchClient(ctx.base);
      const { flowPath, code } = await requestCode(ctx, client, emailOf(firstAccount + next++));
      expectStatus(await client.post(`${flowPath}/verify`, { code }), 303);
      expectStatus(await client.get(flowPath), 200);
      expectStatus(await client.post(`${flowPath}/continue`, {}), 303);
      expectStatus(await client.get(flowPath), 200);
      const done = expectStatus(await client.post(`${flowPath}/password`, { new_password: `${PASSWORD} renewed`, confirm_password: `${PASSWORD} renewed` }), 303);
      if (!done.location?.includes('notice=password_reset')) throw new Error(`round trip ended at ${done.location}`);
      return true;
    },
  });
}

/** How long warmUp runs each kind of request (the report says it). */
export const WARM_UP_MS = { each: 2000, resetRequests: 12_000 } as const;

/**
 * A few seconds of every kind of request before anything is measured, so the figures are those of a
 * server that has been running (code optimised by V8, pools and caches filled) rather than of its first
 * seconds. Reset requests use their own accounts, from `firstAccount`; sign-ins use the accounts the
 * sign-in scenario uses.
 *
 * Reset requests get longer: theirs is the longest path (rate limits, a transaction, a mail to deliver),
 * and V8 goes on optimising it for seconds. After 2 s of warm-up, the next 10 s cost 1.48-1.64 ms of
 * server CPU a request and every 10 s after that 1.18-1.40 ms, in runs on the Intel machine of
 * BENCHMARKS.md; a server that has been up for a minute is in the second state.
 */
export async function warmUp(ctx: Omit<ScenarioContext, 'concurrency' | 'durationMs'>, firstAccount: number, accounts: number): Promise<void> {
  await signInPage({ ...ctx, concurrency: 8, durationMs: WARM_UP_MS.each });
  await signIn({ ...ctx, concurrency: 2, durationMs: WARM_UP_MS.each });
  await resetRequests({ ...ctx, concurrency: 8, durationMs: WARM_UP_MS.resetRequests }, firstAccount, accounts);
}
