import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookiePolicy } from '../http/cookies.ts';

// When an application's user flow sends the customer to sign up or to reset a password, this cookie
// remembers which interaction to return to, so the flow resumes where it left off and the application
// never sees an error (R19). It holds only the interaction id, which the provider's own cookie still
// guards: nobody else's browser can resume it.

const UID = /^[A-Za-z0-9_-]{10,64}$/;
const TTL_SECONDS = 3600;

export function rememberUserFlow(reply: FastifyReply, cookies: CookiePolicy, uid: string): void {
  reply.setCookie(cookies.name('return'), uid, cookies.options(TTL_SECONDS));
}

/** The interaction path to resume, read once and forgotten; undefined outside a user flow. */
export function takeUserFlowReturn(request: FastifyRequest, reply: FastifyReply, cookies: CookiePolicy, directorySlug: string): string | undefined {
  const uid = request.cookies[cookies.name('return')];
  if (uid === undefined) return undefined;
  reply.clearCookie(cookies.name('return'), cookies.options());
  return UID.test(uid) ? `/d/${encodeURIComponent(directorySlug)}/interaction/${uid}` : undefined;
}
