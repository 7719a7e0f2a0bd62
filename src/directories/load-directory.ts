import type { FastifyRequest } from 'fastify';
import { LatchkeyError } from '../http/latchkey-error.ts';
import type { Directory } from '../storage/schema.ts';
import type { TextCache } from './directory-texts.ts';
import type { DirectoryStore } from './directory-store.ts';

/**
 * The directory named by the `/d/:directory/...` path, or a plain 404 page. Its overrides and templates
 * are brought up to the row's version here, so every page rendered for it afterwards uses them.
 */
export async function loadDirectory(deps: { readonly directories: DirectoryStore; readonly texts: TextCache }, request: FastifyRequest): Promise<Directory> {
  const slug = (request.params as Record<string, unknown>).directory;
  const directory = typeof slug === 'string' && slug.length <= 64 ? await deps.directories.findBySlug(slug) : undefined;
  if (!directory) throw new LatchkeyError({ status: 404, code: 'error_directory_not_found' });
  await deps.texts.load(directory);
  return directory;
}
