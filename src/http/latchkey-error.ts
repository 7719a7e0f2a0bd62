// The one error type. Thrown anywhere, rendered in one place (http/error-handler.ts). `code` doubles
// as the message key in the catalogs; `expose` says whether the customer may see that message, or only
// a generic one.

export interface LatchkeyErrorOptions {
  readonly status: number;
  readonly code: string;
  readonly expose?: boolean;
  readonly cause?: unknown;
  /** Sent as Retry-After (429, 503): when trying again can succeed. */
  readonly retryAfterSeconds?: number;
}

export class LatchkeyError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: LatchkeyErrorOptions) {
    super(options.code, { cause: options.cause });
    this.name = 'LatchkeyError';
    this.status = options.status;
    this.code = options.code;
    this.expose = options.expose ?? options.status < 500;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const badRequest = (code = 'error_bad_request') => new LatchkeyError({ status: 400, code });
export const notFound = (code = 'error_not_found') => new LatchkeyError({ status: 404, code });
export const forbidden = (code = 'error_forbidden') => new LatchkeyError({ status: 403, code });
export const busy = () => new LatchkeyError({ status: 503, code: 'error_busy', expose: true });
export const tooManyRequests = (retryAfterSeconds: number) => new LatchkeyError({ status: 429, code: 'error_rate_limited', retryAfterSeconds });
