import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isValidEmail, isValidUsername, MAX_EMAIL_LENGTH } from '../../domain/identifier.ts';
import { checkPassword, MAX_PASSWORD_LENGTH } from '../../domain/password-policy.ts';
import { clientIp, sendPage, userAgent } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { MAX_SEARCH_LENGTH, searchAccounts } from '../users/account-search.ts';
import { createUserAdmin, type AccountDetails, type AdminActor } from '../users/user-admin.ts';
import { directoryRoute, isDirectoryLoaded, loadDirectory, seeOther, type DirectoryContext } from './admin-guard.ts';
import { problemPage } from './pages/problem-page.ts';
import { userDeletePage, userDetailPage, type UserDetailView } from './pages/user-detail-page.ts';
import { userListPage, userPath, type UserDraft, type UserListView } from './pages/user-list-page.ts';
import { customerPasswordProblem, userMessages as m } from './pages/user-messages.ts';

// The Users area of a directory: search, create, view, edit, block, delete, and the two password
// actions that leave the password to the customer (R23). Unknown or foreign ids get a 404 page and
// change nothing; every change is audited in its own transaction (users/user-admin.ts).

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const checkbox = z.literal('1').optional();
const listQuery = z.object({ q: z.string().max(MAX_SEARCH_LENGTH).optional(), after: z.string().max(MAX_EMAIL_LENGTH).optional(), done: z.string().max(20).optional() });
const createForm = z.object({
  _csrf: z.string(),
  email: z.string().max(MAX_EMAIL_LENGTH).refine(isValidEmail, m.invalidEmail),
  username: z.string().max(64).optional(),
  display_name: z.string().trim().min(1, m.invalidDisplayName).max(100, m.invalidDisplayName),
  password: z.string().max(MAX_PASSWORD_LENGTH * 4),
  email_verified: checkbox,
  must_change_password: checkbox,
});
const profileForm = z.object({
  _csrf: z.string(),
  display_name: z.string().trim().min(1, m.invalidDisplayName).max(100, m.invalidDisplayName),
  locale: z.enum(['', 'en', 'fr', 'nl'], { error: m.invalidLocale }),
  email_verified: checkbox,
});

const NOTICES: Readonly<Record<string, string>> = {
  created: m.created, removed: m.removed, profile: m.profileSaved, blocked: m.blockedNotice, unblocked: m.unblockedNotice,
  reset: m.resetSent, forced: m.forcedNotice,
};

const text = (body: unknown, key: string, max: number): string => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

interface LoadedUser {
  readonly ctx: DirectoryContext;
  readonly details: AccountDetails;
}
const isUserLoaded = (value: LoadedUser | FastifyReply): value is LoadedUser => 'details' in value;

export function registerUserRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const users = createUserAdmin(deps.db, deps.links);
  const actor = (request: FastifyRequest, ctx: DirectoryContext): AdminActor => ({ adminId: ctx.admin.adminId, ip: clientIp(request), userAgent: userAgent(request) });
  const notice = (request: FastifyRequest) => {
    const done = (request.query as { done?: unknown }).done;
    return typeof done === 'string' && Object.hasOwn(NOTICES, done) ? { notice: NOTICES[done] } : {};
  };

  async function list(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: Partial<UserListView> = {}, status = 200) {
    const parsed = listQuery.safeParse(request.query ?? {});
    const query = parsed.success ? (parsed.data.q ?? '') : '';
    const after = parsed.success ? parsed.data.after : undefined;
    const found = await searchAccounts(deps.db, { directoryId: ctx.directory.id, query, ...(after !== undefined ? { after } : {}) });
    const view: UserListView = {
      ...ctx, csrf: reply.generateCsrf(), query, rows: found.rows, paged: after !== undefined, minLength: deps.settings.passwordMinLength,
      ...(found.next ? { next: found.next } : {}), ...notice(request),
      ...(parsed.success ? {} : { searchError: m.invalidSearch }),
      ...extra,
    };
    return sendPage(reply, userListPage(view), parsed.success ? status : 400);
  }

  const notFound = (reply: FastifyReply, ctx: DirectoryContext) =>
    sendPage(reply, problemPage({ title: m.notFoundTitle, message: m.notFound, csrf: reply.generateCsrf(), admin: ctx.admin }), 404);

  /** The directory and the account named in the URL, or the response (sign-in, 404) already sent. */
  async function loadUser(request: FastifyRequest, reply: FastifyReply): Promise<LoadedUser | FastifyReply> {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return ctx;
    const id = (request.params as { id?: unknown }).id;
    const details = typeof id === 'string' && ID.test(id) ? await users.details(ctx.directory, id) : undefined;
    return details ? { ctx, details } : notFound(reply, ctx);
  }

  const detail = (request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, details: AccountDetails, extra: Partial<UserDetailView> = {}, status = 200) =>
    sendPage(reply, userDetailPage({ ...ctx, csrf: reply.generateCsrf(), details, ...notice(request), ...extra }), status);

  app.get('/admin/d/:directory/users', directoryRoute(deps, (ctx, request, reply) => list(request, reply, ctx)));

  app.post('/admin/d/:directory/users', directoryRoute(deps, async (ctx, request, reply) => {
    const body = request.body;
    const draft: UserDraft = {
      email: text(body, 'email', 300), username: text(body, 'username', 100), displayName: text(body, 'display_name', 200),
      verified: text(body, 'email_verified', 1) === '1', mustChange: text(body, 'must_change_password', 1) === '1',
    };
    const refuse = (createError: string) => list(request, reply, ctx, { createError, draft }, 400);
    const form = createForm.safeParse(body ?? {});
    if (!form.success) return refuse(form.error.issues.find((i) => i.message.startsWith('Enter'))?.message ?? m.invalidEmail);
    const usernames = ctx.directory.sign_in_identifier === 'username';
    const username = usernames ? (form.data.username ?? '') : '';
    if (usernames && !isValidUsername(username)) return refuse(m.invalidUsername);
    const identifiers = [form.data.email, username, form.data.display_name].filter((s) => s !== '');
    const problem = checkPassword(form.data.password, undefined, { minLength: deps.settings.passwordMinLength, identifiers, directoryName: ctx.directory.display_name });
    if (problem) return refuse(customerPasswordProblem(problem, deps.settings.passwordMinLength));
    const result = await users.create(ctx.directory, {
      email: form.data.email, username: username || null, displayName: form.data.display_name, emailVerified: form.data.email_verified === '1',
      passwordHash: await deps.hasher.hash(form.data.password), mustChangePassword: form.data.must_change_password === '1',
    }, actor(request, ctx));
    if ('duplicate' in result) return refuse(result.duplicate === 'email' ? m.duplicateEmail : m.duplicateUsername);
    return seeOther(reply, `${userPath(ctx.directory, result.id)}?done=created`);
  }));

  app.get('/admin/d/:directory/users/:id', async (request, reply) => {
    const loaded = await loadUser(request, reply);
    return isUserLoaded(loaded) ? detail(request, reply, loaded.ctx, loaded.details) : loaded;
  });

  app.post('/admin/d/:directory/users/:id/profile', async (request, reply) => {
    const loaded = await loadUser(request, reply);
    if (!isUserLoaded(loaded)) return loaded;
    const { ctx, details } = loaded;
    const form = profileForm.safeParse(request.body ?? {});
    if (!form.success) {
      const draft = { displayName: text(request.body, 'display_name', 200), locale: text(request.body, 'locale', 10), verified: text(request.body, 'email_verified', 1) === '1' };
      return detail(request, reply, ctx, details, { error: form.error.issues[0]?.message.startsWith('Enter') || form.error.issues[0]?.message.startsWith('Choose') ? form.error.issues[0].message : m.invalidDisplayName, draft }, 400);
    }
    const { display_name: displayName, locale, email_verified: verified } = form.data;
    await users.updateProfile(ctx.directory, details.account.id, { displayName, locale: locale === '' ? null : locale, emailVerified: verified === '1' }, actor(request, ctx));
    return seeOther(reply, `${userPath(ctx.directory, details.account.id)}?done=profile`);
  });

  const actions = {
    block: (ctx: DirectoryContext, id: string, who: AdminActor) => users.setBlocked(ctx.directory, id, true, who).then(() => 'blocked'),
    unblock: (ctx: DirectoryContext, id: string, who: AdminActor) => users.setBlocked(ctx.directory, id, false, who).then(() => 'unblocked'),
    'force-change': (ctx: DirectoryContext, id: string, who: AdminActor) => users.forcePasswordChange(ctx.directory, id, who).then(() => 'forced'),
    'reset-email': async (ctx: DirectoryContext, id: string, who: AdminActor) => {
      const sent = await users.sendResetEmail(ctx.directory, id, who);
      if (sent === 'sent') deps.mailQueued();
      return sent === 'sent' ? 'reset' : undefined;
    },
  } as const;
  for (const [name, run] of Object.entries(actions)) {
    app.post(`/admin/d/:directory/users/:id/${name}`, async (request, reply) => {
      const loaded = await loadUser(request, reply);
      if (!isUserLoaded(loaded)) return loaded;
      const done = await run(loaded.ctx, loaded.details.account.id, actor(request, loaded.ctx));
      if (!done) return detail(request, reply, loaded.ctx, loaded.details, { error: m.resetNotAllowed }, 409);
      return seeOther(reply, `${userPath(loaded.ctx.directory, loaded.details.account.id)}?done=${done}`);
    });
  }

  app.get('/admin/d/:directory/users/:id/delete', async (request, reply) => {
    const loaded = await loadUser(request, reply);
    return isUserLoaded(loaded) ? sendPage(reply, userDeletePage({ ...loaded.ctx, csrf: reply.generateCsrf(), details: loaded.details })) : loaded;
  });

  app.post('/admin/d/:directory/users/:id/delete', async (request, reply) => {
    const loaded = await loadUser(request, reply);
    if (!isUserLoaded(loaded)) return loaded;
    await users.remove(loaded.ctx.directory, loaded.details.account.id, actor(request, loaded.ctx));
    return seeOther(reply, `${userPath(loaded.ctx.directory)}?done=removed`);
  });
}
