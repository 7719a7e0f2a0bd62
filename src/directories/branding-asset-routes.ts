import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/latchkey-error.ts';
import { themeCss } from '../http/page-brand.ts';
import type { BrandingStore } from './branding-store.ts';

// The branding a customer's browser (or mail client) fetches: images by content hash and the theme
// stylesheet. Both are named by what they contain, so they are cached for a year and never go stale.

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHA256 = /^[0-9a-f]{64}$/;

export function registerBrandingAssetRoutes(app: FastifyInstance, deps: { branding: BrandingStore }): void {
  app.get('/d/:directory/branding/theme.css', async (request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', IMMUTABLE)
      .send(themeCss(request.query as Record<string, unknown>)),
  );

  app.get('/d/:directory/branding/:sha256', async (request, reply) => {
    const { directory, sha256 } = request.params as { directory: string; sha256: string };
    const image = SHA256.test(sha256) && directory.length <= 64 ? await deps.branding.findImage(directory, sha256) : undefined;
    if (!image) throw notFound();
    // The type was decided from the file's magic bytes on upload; nosniff keeps browsers to it.
    return reply
      .header('content-type', image.contentType)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      // The logo is shown by webmail on other origins; helmet's same-origin default would block it there.
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(image.bytes);
  });
}
