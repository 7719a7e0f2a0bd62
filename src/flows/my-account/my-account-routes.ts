import type { FastifyInstance } from 'fastify';
import type { CustomerDeps } from '../customer-deps.ts';

export function registerMyAccountRoutes(app: FastifyInstance, deps: CustomerDeps): void {
  void app;
  void deps;
}
