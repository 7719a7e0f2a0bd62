import { z } from 'zod';
import { AUDIT_TYPES } from './audit-log.ts';

// The audit log's filters, parsed at the edge from the query string. Anything malformed (a repeated
// parameter, an unknown type, a date that is not a date, a range that ends before it starts) is refused
// as a whole rather than half-applied, so a page or an export never shows more than was asked for.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const empty = z.literal('').transform(() => undefined);
const day = z
  .string()
  .regex(DAY)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value));

const querySchema = z.object({
  type: z.union([empty, z.enum(AUDIT_TYPES)]).optional(),
  outcome: z.union([empty, z.string().regex(/^[a-z_]{1,40}$/)]).optional(),
  directory: z.union([empty, z.string().regex(/^[a-z0-9-]{1,64}$/)]).optional(),
  who: z.string().trim().max(320).optional().transform((v) => (v === '' ? undefined : v)),
  from: z.union([empty, day]).optional(),
  to: z.union([empty, day]).optional(),
  before: z.union([empty, z.string().regex(/^[1-9]\d{0,18}$/)]).optional(),
  format: z.enum(['csv', 'json']).optional(),
  /** Days of the reset funnel. */
  days: z.union([empty, z.string().regex(/^\d{1,2}$/).transform(Number).refine((n) => n >= 1 && n <= 90)]).optional(),
});

export interface AuditFilter {
  readonly type?: string;
  readonly outcome?: string;
  /** A directory slug; only on the installation-wide page. */
  readonly directory?: string;
  /** An account id, an account's email or username, or an administrator's email. */
  readonly who?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface AuditRequest {
  readonly filter: AuditFilter;
  /** Keyset cursor: only events with a smaller id (older) than this one. */
  readonly before?: string;
  readonly format?: 'csv' | 'json';
  readonly days?: number;
}

export function parseAuditQuery(query: unknown): AuditRequest | undefined {
  const parsed = querySchema.safeParse(query ?? {});
  if (!parsed.success) return undefined;
  const { before, format, days, ...rest } = parsed.data;
  if (rest.from && rest.to && rest.from > rest.to) return undefined;
  const filter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as AuditFilter;
  return { filter, ...(before ? { before } : {}), ...(format ? { format } : {}), ...(days ? { days } : {}) };
}

/** The filter back as a query string, for links that keep it (next page, export). */
export function auditQueryString(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
