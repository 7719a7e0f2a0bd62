import type { FastifyInstance } from 'fastify';
import { findMailboxMessage, listMailbox } from '../../mailbox/mailbox-store.ts';
import { sendPage } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { isAdmin, loadAdmin } from './admin-guard.ts';
import { adminMessages } from './admin-messages.ts';
import { mailboxMessagePage, mailboxMessages as m, mailboxPage } from './pages/mailbox-pages.ts';
import { problemPage } from './pages/problem-page.ts';

// The trial mailbox. A limited administrator reads the mail of their own directories only.

const PAGE_SIZE = 50;
const ID = /^[1-9]\d{0,18}$/;

export function registerMailboxRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin/mailbox', async (request, reply) => {
    const admin = await loadAdmin(deps, request, reply);
    if (!isAdmin(admin)) return admin;
    const before = (request.query as { before?: unknown }).before;
    if (before !== undefined && (typeof before !== 'string' || !ID.test(before))) {
      return sendPage(reply, problemPage({ title: adminMessages.badRequestTitle, message: adminMessages.badRequest, csrf: reply.generateCsrf(), admin }), 400);
    }
    const scope = admin.allDirectories ? 'all' : admin.directoryIds;
    const messages = deps.mailboxEnabled ? await listMailbox(deps.db, scope, { limit: PAGE_SIZE + 1, ...(before ? { before } : {}) }) : [];
    const page = messages.slice(0, PAGE_SIZE);
    return sendPage(reply, mailboxPage({
      admin, csrf: reply.generateCsrf(), enabled: deps.mailboxEnabled, messages: page, paged: before !== undefined,
      ...(messages.length > PAGE_SIZE ? { olderBefore: page[page.length - 1]?.id } : {}),
    }));
  });

  app.get('/admin/mailbox/:id', async (request, reply) => {
    const admin = await loadAdmin(deps, request, reply);
    if (!isAdmin(admin)) return admin;
    const id = (request.params as { id: string }).id;
    const scope = admin.allDirectories ? 'all' : admin.directoryIds;
    const message = deps.mailboxEnabled && ID.test(id) ? await findMailboxMessage(deps.db, scope, id) : undefined;
    if (!message) return sendPage(reply, problemPage({ title: adminMessages.notFoundTitle, message: m.notFound, csrf: reply.generateCsrf(), admin }), 404);
    return sendPage(reply, mailboxMessagePage({ admin, csrf: reply.generateCsrf(), message }));
  });
}
