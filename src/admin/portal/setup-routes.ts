import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sendPage } from '../../http/request-context.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { startAdminSession } from '../admin-session-store.ts';
import { completeSetup } from '../admin-setup.ts';
import { anyAdminExists } from '../admin-store.ts';
import { isSetupTokenUsable } from '../setup-token-store.ts';
import { badRequestPage } from './admin-session-routes.ts';
import { parseForm, seeOther, setSessionCookie } from './admin-guard.ts';
import { setupInvalidPage, setupPage } from './pages/setup-page.ts';

// The one-time setup link logged at start while no administrator exists (see first-admin.ts).

const setupQuery = z.object({ token: z.string().max(100) });
const setupForm = z.object({
  _csrf: z.string(),
  token: z.string().max(100),
  email: z.string().max(320),
  password: z.string().max(1024),
  confirm: z.string().max(1024),
});

export function registerSetupRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/admin/setup', async (request, reply) => {
    const csrf = reply.generateCsrf();
    const query = parseForm(setupQuery, request.query);
    if (!query || !(await isSetupTokenUsable(deps.db, query.token))) {
      // 410: the link existed once perhaps, and will not work again.
      return sendPage(reply, setupInvalidPage(csrf, await anyAdminExists(deps.db)), 410);
    }
    return sendPage(reply, setupPage({ csrf, token: query.token }));
  });

  app.post('/admin/setup', async (request, reply) => {
    const form = parseForm(setupForm, request.body);
    if (!form) return badRequestPage(reply, reply.generateCsrf());
    const result = await completeSetup(deps.db, deps.hasher, form);
    if (!result.ok) {
      const csrf = reply.generateCsrf();
      if (result.reason === 'link') return sendPage(reply, setupInvalidPage(csrf, await anyAdminExists(deps.db)), 410);
      return sendPage(reply, setupPage({ csrf, token: form.token, email: form.email, error: result.message }), 400);
    }
    setSessionCookie(deps, reply, await startAdminSession(deps.db, result.adminId));
    return seeOther(reply, '/admin');
  });
}
