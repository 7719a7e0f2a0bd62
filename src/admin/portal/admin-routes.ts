import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from '../admin-deps.ts';
import { registerAdminSessionRoutes } from './admin-session-routes.ts';
import { registerAdministratorRoutes } from './administrator-routes.ts';
import { registerApplicationRoutes } from './application-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { registerMailboxRoutes } from './mailbox-routes.ts';
import { registerBrandingRoutes } from './branding-routes.ts';
import { registerDirectoryRoutes } from './directory-routes.ts';
import { registerRunNowRoutes } from './run-now-routes.ts';
import { registerSigningKeyRoutes } from './signing-key-routes.ts';
import { registerUserFlowRoutes } from './user-flow-routes.ts';
import { registerGroupRoutes } from './group-routes.ts';
import { registerEmailTemplateRoutes } from './email-template-routes.ts';
import { registerLanguageRoutes } from './language-routes.ts';
import { registerSetupRoutes } from './setup-routes.ts';
import { registerUserRoutes } from './user-routes.ts';

// The admin portal: server-rendered pages under /admin, signed in with an administrator account that
// is separate from every directory's customers. CSRF is checked for every POST by the server's hook.

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  registerAdminSessionRoutes(app, deps);
  registerSetupRoutes(app, deps);
  registerDirectoryRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerUserFlowRoutes(app, deps);
  registerRunNowRoutes(app, deps);
  registerSigningKeyRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerMailboxRoutes(app, deps);
  registerAdministratorRoutes(app, deps);
  registerBrandingRoutes(app, deps);
  registerLanguageRoutes(app, deps);
  registerEmailTemplateRoutes(app, deps);
}
