import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookiePolicy } from '../http/cookies.ts';
import type { FlowRun } from '../storage/schema.ts';
import type { FlowRunStore } from './flow-run-store.ts';

// A "Run now" run follows the browser out of the interaction into the sign-up and reset flows, so the
// mail those flows send is copied into the run's test inbox. The cookie holds the run's key, a secret
// the administrator's authorize request carried; a stranger cannot route mail into someone's inbox
// without it, and the key is worth nothing once the run has expired.

export const RUN_KEY = /^[A-Za-z0-9_-]{43}$/;

export function tagBrowserWithRun(reply: FastifyReply, cookies: CookiePolicy, key: string, run: FlowRun): void {
  const seconds = Math.max(1, Math.floor((run.expires_at.getTime() - Date.now()) / 1000));
  reply.setCookie(cookies.name('run'), key, cookies.options(seconds));
}

/** The id of the live run this browser is in, for this directory; undefined for every customer. */
export async function runOfBrowser(request: FastifyRequest, cookies: CookiePolicy, runs: Pick<FlowRunStore, 'findLiveByKey'>, directoryId: string): Promise<string | undefined> {
  const key = request.cookies[cookies.name('run')];
  if (key === undefined || !RUN_KEY.test(key)) return undefined;
  return (await runs.findLiveByKey(directoryId, key))?.id;
}
