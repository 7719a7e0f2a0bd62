import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { sendPage } from '../../http/request-context.ts';
import type { Directory } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { ADMIN_SESSION_SECONDS, findAdminSession, type SignedInAdmin } from '../admin-session-store.ts';
import { adminMessages as m } from './admin-messages.ts';
import { problemPage } from './pages/problem-page.ts';

// What every portal route needs before it does anything: who is signed in, the session cookie, and
// forms parsed at the edge.

export const sessionCookieName = (deps: AdminDeps): string => deps.cookies.name('admin');

export function sessionToken(deps: AdminDeps, request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName(deps)];
}

export function currentAdmin(deps: AdminDeps, request: FastifyRequest): Promise<SignedInAdmin | undefined> {
  return findAdminSession(deps.db, sessionToken(deps, request));
}

/** HttpOnly, SameSite=Lax, Path=/, and __Host- with Secure over https (SE3), via the shared policy. */
export function setSessionCookie(deps: AdminDeps, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(deps), token, deps.cookies.options(ADMIN_SESSION_SECONDS));
}

export function clearSessionCookie(deps: AdminDeps, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(deps), deps.cookies.options());
}

/** A 303 that no cache keeps: portal responses depend on who is signed in. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}

// Only a plain /admin path may follow sign-in: an absolute URL, `//host`, a backslash or a dot segment
// (`..`, or `%2e%2e`, which browsers also resolve) would turn the sign-in page into an open redirect.
const ADMIN_PATH = /^\/admin(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;

export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 && ADMIN_PATH.test(value) ? value : undefined;
}

/** For a visitor who is not signed in: back to the sign-in page, remembering where they were going. */
export function toSignIn(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  const path = request.url.split('?')[0] ?? '/admin';
  const next = request.method === 'GET' ? safeNext(path) : undefined;
  return seeOther(reply, next && next !== '/admin' ? `/admin?next=${encodeURIComponent(next)}` : '/admin');
}

/** Form bodies through a zod schema; a repeated field arrives as an array and fails here (R10). */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.output<T> | undefined {
  const parsed = schema.safeParse(body ?? {});
  return parsed.success ? parsed.data : undefined;
}

export interface DirectoryContext {
  readonly admin: SignedInAdmin;
  readonly directory: Directory;
}

/** For every `/admin/d/:directory/...` route: the signed-in administrator and the directory, or the response already sent. */
export async function loadDirectory(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply): Promise<DirectoryContext | FastifyReply> {
  const admin = await currentAdmin(deps, request);
  if (!admin) return toSignIn(reply, request);
  const slug = (request.params as { directory?: unknown }).directory;
  const directory = typeof slug === 'string' && slug.length <= 64 ? await deps.directories.findBySlug(slug) : undefined;
  if (!directory) {
    return sendPage(reply, problemPage({ title: m.notFoundTitle, message: m.directoryNotFound, csrf: reply.generateCsrf(), admin }), 404);
  }
  // Here, so that every directory route, present and future, is covered by the one check.
  if (!canSeeDirectory(admin, directory.id)) return forbiddenPage(reply, admin, m.directoryForbidden);
  return { admin, directory };
}

/** Ids in portal URLs are UUIDs; anything else is refused before it reaches PostgreSQL's uuid type. */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
export const canSeeDirectory = (admin: SignedInAdmin, directoryId: string): boolean => admin.allDirectories || admin.directoryIds.includes(directoryId);

export function forbiddenPage(reply: FastifyReply, admin: SignedInAdmin, message: string): FastifyReply {
  return sendPage(reply, problemPage({ title: m.forbiddenTitle, message, csrf: reply.generateCsrf(), admin }), 403);
}

/** For installation-wide pages (administrators, settings): the signed-in administrator if they have every directory. */
export async function loadFullAdmin(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply): Promise<SignedInAdmin | FastifyReply> {
  const admin = await currentAdmin(deps, request);
  if (!admin) return toSignIn(reply, request);
  if (!admin.allDirectories) return forbiddenPage(reply, admin, m.fullAdminOnly);
  return admin;
}

/** For pages every administrator may open, showing only what their directories allow. */
export async function loadAdmin(deps: AdminDeps, request: FastifyRequest, reply: FastifyReply): Promise<SignedInAdmin | FastifyReply> {
  return (await currentAdmin(deps, request)) ?? toSignIn(reply, request);
}

export const isAdmin = (value: SignedInAdmin | FastifyReply): value is SignedInAdmin => 'adminId' in value;

export const isDirectoryLoaded = (value: DirectoryContext | FastifyReply): value is DirectoryContext => 'directory' in value;

/**
 * A route under /admin/d/:directory: the handler runs only for a signed-in administrator who may see the
 * directory, and gets both; everyone else gets the sign-in redirect, a 404 or a 403 from `loadDirectory`.
 */
export function directoryRoute(deps: AdminDeps, handler: (ctx: DirectoryContext, request: FastifyRequest, reply: FastifyReply) => unknown) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    return handler(ctx, request, reply);
  };
}
