import type { FastifyRequest } from 'fastify';
import { LatchkeyError } from '../http/latchkey-error.ts';
import type { Directory } from '../storage/schema.ts';
import type { DirectoryStore } from './directory-store.ts';

/** The directory named by the `/d/:directory/...` path, or a plain 404 page. */
export async function loadDirectory(directories: DirectoryStore, request: FastifyRequest): Promise<Directory> {
  const slug = (request.params as Record<string, unknown>).directory;
  const directory = typeof slug === 'string' && slug.length <= 64 ? await directories.findBySlug(slug) : undefined;
  if (!directory) throw new LatchkeyError({ status: 404, code: 'error_directory_not_found' });
  return directory;
}
