import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from '../admin-deps.ts';
import { registerAdminSessionRoutes } from './admin-session-routes.ts';
import { registerApplicationRoutes } from './application-routes.ts';
import { registerDirectoryRoutes } from './directory-routes.ts';
import { registerEmailTemplateRoutes } from './email-template-routes.ts';
import { registerLanguageRoutes } from './language-routes.ts';
import { registerSetupRoutes } from './setup-routes.ts';

// The admin portal: server-rendered pages under /admin, signed in with an administrator account that
// is separate from every directory's customers. CSRF is checked for every POST by the server's hook.

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  registerAdminSessionRoutes(app, deps);
  registerSetupRoutes(app, deps);
  registerDirectoryRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerLanguageRoutes(app, deps);
  registerEmailTemplateRoutes(app, deps);
}
