import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from '../admin-deps.ts';

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  void app;
  void deps;
}
