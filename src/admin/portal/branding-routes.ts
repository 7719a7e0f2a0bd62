import multipart from '@fastify/multipart';
import { languagePolicy } from '../../directories/directory-texts.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applyDraft, BRAND_IMAGE_KINDS, MAX_IMAGE_BYTES, type BrandingDraft } from '../../directories/branding.ts';
import { createBrandingStore } from '../../directories/branding-store.ts';
import { renderSignInPage } from '../../flows/sign-in/pages/sign-in-page.ts';
import { sendPage } from '../../http/request-context.ts';
import { translator } from '../../i18n/i18n.ts';
import type { Directory } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { currentAdmin, directoryRoute, seeOther, type DirectoryContext } from './admin-guard.ts';
import { recordDirectoryAction } from './directory-audit.ts';
import { parseBrandingForm, readUpload } from './branding-form.ts';
import { brandingPage } from './pages/branding-page.ts';
import { brandingMessages as m } from './pages/branding-messages.ts';
import { directoryPath } from './pages/directory-pages.ts';
import { problemPage } from './pages/problem-page.ts';

// Company branding: the page, Save, Preview and Reset. Uploads are multipart, parsed only in this
// plugin's scope; the CSRF token is an ordinary form field, which the multipart parser puts on the body
// before the server's CSRF hook runs (preValidation comes before preHandler).

/** Three images at their limits plus the text fields; a bigger request is refused before it is read. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const BRANDING_COLUMNS = [
  'brand_layout', 'brand_primary_color', 'brand_background_color', 'brand_sign_in_text',
  'brand_logo', 'brand_background', 'brand_favicon', 'support_contact',
] as const satisfies readonly (keyof Directory)[];

export function registerBrandingRoutes(app: FastifyInstance, deps: AdminDeps): void {
  void app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      // A file over the limit arrives truncated and gets the form's own message, not an exception.
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_IMAGE_BYTES, files: BRAND_IMAGE_KINDS.length, fields: 20, parts: 30, fieldSize: 8192, fieldNameSize: 100, headerPairs: 20 },
      onFile: readUpload,
    });
    scope.addHook('onRequest', async (request, reply) => {
      if (Number(request.headers['content-length'] ?? 0) <= MAX_REQUEST_BYTES) return;
      const admin = await currentAdmin(deps, request);
      return sendPage(reply, problemPage({ title: m.tooLargeTitle, message: m.tooLarge, csrf: reply.generateCsrf(), ...(admin ? { admin } : {}) }), 413);
    });
    registerPages(scope, deps);
  });
}

function registerPages(app: FastifyInstance, deps: AdminDeps): void {
  const path = (directory: Directory, section = '') => directoryPath(directory.slug, `/branding${section}`);

  app.get('/admin/d/:directory/branding', directoryRoute(deps, async (ctx, request, reply) => {
    const done = (request.query as { done?: unknown }).done;
    const notice = done === 'saved' ? m.saved : done === 'reset' ? m.resetDone : undefined;
    return sendPage(reply, brandingPage({ ...ctx, csrf: reply.generateCsrf(), ...(notice ? { notice } : {}) }));
  }));

  app.post('/admin/d/:directory/branding', directoryRoute(deps, async (ctx, request, reply) => {
    const form = parseBrandingForm(request.body);
    if (!form.ok) {
      return sendPage(reply, brandingPage({ ...ctx, csrf: reply.generateCsrf(), problems: form.problems, ...(form.fields ? { fields: form.fields } : {}) }), form.status);
    }
    await saveBranding(deps, request, ctx, form.draft);
    return seeOther(reply, `${path(ctx.directory)}?done=saved`);
  }));

  app.post('/admin/d/:directory/branding/reset', directoryRoute(deps, async (ctx, request, reply) => {
    await deps.db.transaction().execute(async (trx) => {
      const store = createBrandingStore(trx);
      await store.resetBranding(ctx.directory.id);
      await recordDirectoryAction(trx, request, ctx, 'admin_setting_changed', { setting: 'branding', reset: true });
      await store.removeUnusedImages(ctx.directory.id);
    });
    return seeOther(reply, `${path(ctx.directory)}?done=reset`);
  }));

  app.get('/admin/d/:directory/branding/preview', directoryRoute(deps, async (ctx, request, reply) => {
    return sendPreview(deps, reply, ctx.directory);
  }));

  // The unsaved form, posted into the preview frame. Its images are stored (they are checked exactly as
  // for Save) so the preview loads them by URL like the real page; unused ones are removed later.
  app.post('/admin/d/:directory/branding/preview', directoryRoute(deps, async (ctx, request, reply) => {
    const form = parseBrandingForm(request.body);
    if (!form.ok) {
      const page = problemPage({ title: m.previewProblems, message: form.problems.join(' '), csrf: reply.generateCsrf(), admin: ctx.admin });
      return sendPage(allowFraming(reply), page, form.status);
    }
    for (const change of Object.values(form.draft.images)) {
      if (change.kind === 'upload') await deps.branding.saveImage(ctx.directory.id, change.image);
    }
    return sendPreview(deps, reply, applyDraft(ctx.directory, form.draft));
  }));
}

/** The change, its images and its audit row commit together; the current row is read under a lock for an honest diff. */
async function saveBranding(deps: AdminDeps, request: FastifyRequest, ctx: DirectoryContext, draft: BrandingDraft): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const store = createBrandingStore(trx);
    const current = await trx.selectFrom('directories').selectAll().where('id', '=', ctx.directory.id).forUpdate().executeTakeFirstOrThrow();
    for (const change of Object.values(draft.images)) {
      if (change.kind === 'upload') await store.saveImage(current.id, change.image);
    }
    const next = applyDraft(current, draft);
    const changed = BRANDING_COLUMNS.filter((column) => current[column] !== next[column]);
    if (changed.length > 0) {
      await store.saveBranding(current.id, next);
      await recordDirectoryAction(trx, request, ctx, 'admin_setting_changed', { setting: 'branding', changed });
    }
    await store.removeUnusedImages(current.id);
  });
}

/** The preview lives in a frame of the branding page: same origin only, as every other page refuses framing. */
function allowFraming(reply: FastifyReply): FastifyReply {
  const policy = String(reply.getHeader('content-security-policy') ?? '');
  return reply.header('content-security-policy', policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")).header('x-frame-options', 'SAMEORIGIN');
}

/** The customer sign-in page exactly as customers would see it with these values, in the directory's language. */
function sendPreview(deps: AdminDeps, reply: FastifyReply, directory: Directory): FastifyReply {
  const locale = directory.default_locale;
  // The frame is sandboxed (no forms, no scripts), so the page needs no working CSRF token.
  const page = renderSignInPage({ locale, t: translator(locale), csrf: '', offered: languagePolicy(directory).offered }, deps.links, directory, {});
  return sendPage(allowFraming(reply), page);
}
