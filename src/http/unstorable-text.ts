import type { FastifyRequest } from 'fastify';
import { badRequest } from './latchkey-error.ts';

// PostgreSQL refuses NUL in text (a 500 if it got that far), and a lone UTF-16 surrogate has no UTF-8
// form, so it would be stored as U+FFFD: a different string from the one compared. Neither belongs in
// any field a person fills in, so a request carrying one anywhere is refused at the edge with a 400.

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Forms are flat; a JSON body nested deeper than this is no form of ours.
const MAX_DEPTH = 8;

function carriesUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_DEPTH) return true;
  const entries = Array.isArray(value) ? value.map((item: unknown) => ['', item] as const) : Object.entries(value);
  return entries.some(([key, item]) => UNSTORABLE.test(key) || carriesUnstorableText(item, depth + 1));
}

/** A preValidation hook: runs after the body is parsed and before CSRF, sessions or any handler. */
export function refuseUnstorableText(request: FastifyRequest): void {
  if (carriesUnstorableText(request.params) || carriesUnstorableText(request.query) || carriesUnstorableText(request.body)) throw badRequest();
}
