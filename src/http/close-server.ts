import type { FastifyInstance } from 'fastify';

/**
 * Stops accepting connections and lets requests in flight finish; whatever is still open after
 * `timeoutMs` is cut, so a stuck client cannot hold a shutdown (and a rolling deploy) hostage.
 */
export async function closeServer(server: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => server.server.closeAllConnections(), timeoutMs);
  try {
    await server.close();
  } finally {
    clearTimeout(timer);
  }
}
