import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { endAdminSession, startAdminSession } from '../admin-session-store.ts';
import { findAdminByEmail } from '../admin-store.ts';
import { adminMessages as m } from './admin-messages.ts';
import { clearSessionCookie, currentAdmin, parseForm, safeNext, seeOther, sessionToken, setSessionCookie } from './admin-guard.ts';
import { problemPage } from './pages/problem-page.ts';
import { signInPage } from './pages/sign-in-page.ts';

// Signing in to and out of the portal. GET /admin (the sign-in page when signed out) lives with the
// directory routes, as it is the directory list once signed in.

const signInForm = z.object({
  _csrf: z.string(),
  email: z.string().max(320),
  password: z.string().max(1024),
  next: z.string().max(200).optional(),
});

export function badRequestPage(reply: FastifyReply, csrf: string): FastifyReply {
  return sendPage(reply, problemPage({ title: m.badRequestTitle, message: m.badRequest, csrf }), 400);
}

/** The stored hash of the named administrator checked, or a dummy hash when there is none, so the time taken says nothing. */
async function verifyAdmin(deps: AdminDeps, email: string, password: string): Promise<string | undefined> {
  const admin = email.trim() === '' ? undefined : await findAdminByEmail(deps.db, email);
  if (!admin) {
    await deps.hasher.verifyNothing(password);
    return undefined;
  }
  return (await deps.hasher.verify(admin.password_hash, password)) ? admin.id : undefined;
}

async function signIn(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = parseForm(signInForm, request.body);
  if (!form) return badRequestPage(reply, reply.generateCsrf());
  // The portal has no lockout of its own: these limits are what stands between it and password guessing.
  await deps.limits.check('admin_sign_in', { ip: clientIp(request), identifier: form.email });
  const adminId = await verifyAdmin(deps, form.email, form.password);
  await recordAudit(deps.db, {
    type: 'admin_sign_in', outcome: adminId ? 'success' : 'failure', adminId: adminId ?? null,
    ip: clientIp(request), userAgent: userAgent(request),
  });
  const next = safeNext(form.next);
  if (!adminId) {
    // One message for an unknown email and a wrong password alike.
    const page = signInPage({ csrf: reply.generateCsrf(), email: form.email, error: m.signInFailed, ...(next ? { next } : {}) });
    return sendPage(reply, page);
  }
  // Whatever session this browser carried before is ended, and a new identifier issued (SE2).
  await endAdminSession(deps.db, sessionToken(deps, request));
  setSessionCookie(deps, reply, await startAdminSession(deps.db, adminId));
  return seeOther(reply, next ?? '/admin');
}

export function registerAdminSessionRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.post('/admin/signin', (request, reply) => signIn(deps, request, reply));

  app.post('/admin/signout', async (request, reply) => {
    const admin = await currentAdmin(deps, request);
    await deps.db.transaction().execute(async (trx) => {
      await endAdminSession(trx, sessionToken(deps, request));
      if (admin) await recordAudit(trx, { type: 'admin_sign_out', outcome: 'success', adminId: admin.adminId, ip: clientIp(request), userAgent: userAgent(request) });
    });
    clearSessionCookie(deps, reply);
    return seeOther(reply, '/admin');
  });
}
