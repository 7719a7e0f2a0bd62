import type { FastifyRequest } from 'fastify';
import type { ChildLoggerOptions } from 'pino';

// No password, code, token, cookie, authorization header or secret reaches a log line.
// Fastify never logs bodies; the request serializer keeps the path and only the *names* of query
// parameters (a setup link's token or an id_token_hint travel in the query); and the paths below are
// censored wherever a log call might pass such a value by mistake.

const SECRET_FIELDS = ['password', 'new_password', 'confirm_password', 'current_password', 'code', 'token', 'secret', 'client_secret', '_csrf', 'access_token', 'refresh_token', 'id_token', 'id_token_hint', 'cookie', 'authorization'];

export const LOG_REDACTION: ChildLoggerOptions = {
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'headers.authorization',
      'headers.cookie',
      'headers["set-cookie"]',
      'res.headers["set-cookie"]',
      'body',
      'req.body',
      'query',
      ...SECRET_FIELDS,
      ...SECRET_FIELDS.map((field) => `*.${field}`),
      // A pg or Node error object carries a `code` that is an error code, not a secret: keep that one.
    ].filter((path) => path !== '*.code'),
    censor: '[redacted]',
  },
  serializers: {
    req: (request: FastifyRequest) => {
      const [path = '', query] = request.url.split('?', 2);
      return {
        method: request.method,
        url: path,
        ...(query ? { queryParams: [...new URLSearchParams(query).keys()].slice(0, 20) } : {}),
        remoteAddress: request.ip,
      };
    },
  },
};
