import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Every request has an id, echoed in X-Request-Id and bound to each of its log lines, so one request can
// be followed from the load balancer to the log. An id from upstream (a proxy, the caller) is kept only
// when it is a short token of safe characters: anything else could forge or break log lines.

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
}
