import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Metrics } from './metrics.ts';

// Endpoints for the load balancer and the monitoring system, not for people: plain JSON or the Prometheus
// text format, no cookies, no CSRF, no rate limit (they are GETs that change nothing, and a probe
// turned away by a limiter would take a healthy instance out of rotation).

/** A readiness probe must answer before the load balancer's own timeout, even with the database hanging. */
const READY_TIMEOUT_MS = 2000;

export interface OpsDeps {
  readonly db: Kysely<Database>;
  readonly metrics: Metrics;
  /** When set, /metrics wants `Authorization: Bearer <token>`. */
  readonly metricsToken?: string | undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

function json(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(body));
}

async function databaseAnswers(db: Kysely<Database>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  const query = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  // Alive: the process serves requests. Nothing else is checked, so a database outage never gets every
  // instance restarted by its supervisor.
  app.get('/healthz', (_request, reply) => json(reply, 200, { status: 'ok' }));

  app.get('/readyz', async (_request, reply) =>
    (await databaseAnswers(deps.db)) ? json(reply, 200, { status: 'ready' }) : json(reply, 503, { status: 'unavailable', database: 'unreachable' }),
  );

  app.get('/metrics', async (request, reply) => {
    if (deps.metricsToken !== undefined && !bearerMatches(request.headers.authorization, deps.metricsToken)) {
      return json(reply.header('www-authenticate', 'Bearer'), 401, { status: 'unauthorized' });
    }
    const body = await deps.metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(deps.metrics.registry.contentType).send(body);
  });
}
