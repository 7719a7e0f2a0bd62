import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../storage/schema.ts';

// What an operator watches, as Prometheus metrics. Recording on the request path is a counter or
// histogram increment in memory; anything that needs the database or the hasher's state is read only
// when /metrics is scraped, so a busy instance pays nothing for it between scrapes.

export type FlowOutcome =
  | { readonly flow: 'sign_in'; readonly outcome: 'success' | 'failure' }
  | { readonly flow: 'password_reset'; readonly outcome: 'requested' | 'completed' }
  | { readonly flow: 'sign_up'; readonly outcome: 'completed' };

/** The one recorder the customer flows see; a no-op stands in where metrics are not wired. */
export interface FlowMetrics {
  flowOutcome(event: FlowOutcome): void;
}

export const NO_FLOW_METRICS: FlowMetrics = { flowOutcome: () => undefined };

export interface Metrics extends FlowMetrics {
  readonly registry: Registry;
  /** A message the SMTP server accepted; codes are counted by purpose from the template. */
  mailSent(template: string): void;
  /** Counts every request and its latency by route pattern (never the raw URL: bounded labels). */
  instrument(app: FastifyInstance): void;
}

export interface MetricsSources {
  readonly db: Kysely<Database>;
  readonly hashing: () => { running: number; queued: number };
  /** Whether the instance hears PostgreSQL's notices of directory changes, so it may keep the rows. */
  readonly directoryNoticesHeard: () => boolean;
}

const CODE_TEMPLATES: Readonly<Record<string, string>> = { reset_code: 'password_reset', sign_up_code: 'sign_up' };
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Pages answer in milliseconds; sign-ins wait for argon2 and, under a flood, for the hashing queue.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelled = { registers: [registry] };

  const requests = new Counter({ ...labelled, name: 'latchkey_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status.', labelNames: ['route', 'method', 'status'] as const });
  const latency = new Histogram({ ...labelled, name: 'latchkey_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern and method.', labelNames: ['route', 'method'] as const, buckets: LATENCY_BUCKETS });
  const flows = new Counter({ ...labelled, name: 'latchkey_flow_outcomes_total', help: 'Customer flow outcomes: sign-in success/failure, password reset requested/completed, sign-up completed.', labelNames: ['flow', 'outcome'] as const });
  const mail = new Counter({ ...labelled, name: 'latchkey_mail_sent_total', help: 'Messages the SMTP server accepted, by template.', labelNames: ['template'] as const });
  const codes = new Counter({ ...labelled, name: 'latchkey_codes_sent_total', help: 'Verification codes delivered by mail, by purpose.', labelNames: ['purpose'] as const });
  for (const purpose of Object.values(CODE_TEMPLATES)) codes.inc({ purpose }, 0);
  flows.inc({ flow: 'sign_in', outcome: 'success' }, 0);
  flows.inc({ flow: 'sign_in', outcome: 'failure' }, 0);
  flows.inc({ flow: 'password_reset', outcome: 'requested' }, 0);
  flows.inc({ flow: 'password_reset', outcome: 'completed' }, 0);
  flows.inc({ flow: 'sign_up', outcome: 'completed' }, 0);

  new Gauge({
    ...labelled,
    name: 'latchkey_hash_in_flight',
    help: 'Password hashes being computed now.',
    collect() {
      this.set(sources.hashing().running);
    },
  });
  new Gauge({
    ...labelled,
    name: 'latchkey_directory_notices_heard',
    // 0 for long means every customer request reads its directory again: behind a pooler in transaction
    // mode, say, where the notice connection cannot keep its session (docs/deploy.md).
    help: '1 while the instance hears directory change notices and keeps directory rows in memory; 0 while it reads them on every request.',
    collect() {
      this.set(sources.directoryNoticesHeard() ? 1 : 0);
    },
  });
  new Gauge({
    ...labelled,
    name: 'latchkey_hash_queue_length',
    help: 'Password hashes waiting for a free slot.',
    collect() {
      this.set(sources.hashing().queued);
    },
  });
  // One query for both outbox gauges, on the partial index of pending rows, shared by the two collects
  // of a scrape. With the database down the gauges keep their last values and the scrape still answers.
  let outbox: Promise<{ depth: number; age: number } | undefined> | undefined;
  const readOutbox = () =>
    (outbox ??= sql<{ depth: number; age: number | null }>`
      SELECT count(*)::int AS depth, extract(epoch FROM now() - min(created_at))::float8 AS age
      FROM outbox WHERE status = 'pending'`
      .execute(sources.db)
      .then(({ rows }) => ({ depth: rows[0]?.depth ?? 0, age: Math.max(0, rows[0]?.age ?? 0) }))
      // Readiness (/readyz) is where an unreachable database shows.
      .catch(() => undefined)
      .finally(() => setImmediate(() => (outbox = undefined))));
  const outboxGauge = (name: string, help: string, pick: (read: { depth: number; age: number }) => number) =>
    new Gauge({
      ...labelled,
      name,
      help,
      async collect() {
        const read = await readOutbox();
        if (read) this.set(pick(read));
      },
    });
  outboxGauge('latchkey_mail_queue_depth', 'Messages in the outbox not yet sent.', (read) => read.depth);
  outboxGauge('latchkey_mail_queue_oldest_age_seconds', 'Age of the oldest unsent message in the outbox; 0 when it is empty.', (read) => read.age);

  return {
    registry,
    flowOutcome: ({ flow, outcome }) => flows.inc({ flow, outcome }),
    mailSent(template) {
      mail.inc({ template });
      const purpose = CODE_TEMPLATES[template];
      if (purpose) codes.inc({ purpose });
    },
    instrument(app) {
      // 'finish' rather than onResponse: the OpenID Connect endpoints hijack the reply, which skips hooks.
      app.addHook('onRequest', (request, reply, done) => {
        const started = performance.now();
        reply.raw.once('finish', () => {
          const route = request.routeOptions.url ?? 'unmatched';
          const method = METHODS.has(request.method) ? request.method : 'OTHER';
          requests.inc({ route, method, status: String(reply.raw.statusCode) });
          latency.observe({ route, method }, (performance.now() - started) / 1000);
        });
        done();
      });
    },
  };
}
