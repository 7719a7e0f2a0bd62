import type { FastifyInstance } from 'fastify';
import type { CustomerDeps } from '../customer-deps.ts';

export function registerSignUpRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  void app;
  void deps;
}
