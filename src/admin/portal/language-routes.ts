import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readDirectoryTexts } from '../../directories/directory-texts.ts';
import { catalogs } from '../../i18n/catalogs/index.ts';
import { isLocale, isMessageKey, LOCALES, type MessageKey } from '../../i18n/i18n.ts';
import { placeholderDifference } from '../../i18n/placeholders.ts';
import { sendPage } from '../../http/request-context.ts';
import type { Locale } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, isDirectoryLoaded, loadDirectory, parseForm, seeOther, type DirectoryContext } from './admin-guard.ts';
import { changeTextSettings } from './directory-audit.ts';
import { languageMessages as m, languagesPage, languagesPath, textEditPage, textPath } from './pages/languages-pages.ts';

// The Languages page: offered languages and default, and per-language overrides of catalog strings.
// Every write goes through text-settings-store.ts, which raises the directory's texts_version so each
// instance's cache reloads once it has the changed row (directory-cache.ts).

const languagesForm = z.object({
  _csrf: z.string(),
  offered: z.union([z.string(), z.array(z.string()).max(LOCALES.length)]).optional(),
  default_locale: z.string().max(8),
});
const textForm = z.object({ _csrf: z.string(), text: z.string().max(4000) });

function placeholderError(original: string, text: string): string | undefined {
  const { missing, unknown } = placeholderDifference(original, text);
  if (missing.length === 0 && unknown.length === 0) return undefined;
  const list = (names: string[]) => names.map((n) => `{${n}}`).join(', ');
  const problems = [missing.length ? m.missing.replace('{names}', list(missing)) : '', unknown.length ? m.unknown.replace('{names}', list(unknown)) : ''].filter(Boolean).join(' ');
  return m.placeholderProblem.replace('{problems}', problems);
}

export function registerLanguageRoutes(app: FastifyInstance, deps: AdminDeps): void {
  async function listPage(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: { error?: string } = {}, status = 200) {
    const query = request.query as { lang?: unknown; q?: unknown; saved?: unknown };
    const locale: Locale = isLocale(query.lang) ? query.lang : ctx.directory.default_locale;
    const filter = typeof query.q === 'string' ? query.q.slice(0, 100) : '';
    const texts = await readDirectoryTexts(deps.db, ctx.directory.id, ctx.directory.texts_version);
    return sendPage(reply, languagesPage({
      ...ctx, csrf: reply.generateCsrf(), locale, filter, overrides: texts.overrides[locale] ?? {},
      ...(query.saved === '1' ? { notice: m.saved } : {}), ...extra,
    }), status);
  }

  /** The directory and the language and key named in the path, or a 404 through the directory guard. */
  async function loadText(request: FastifyRequest, reply: FastifyReply) {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return { reply: ctx };
    const { lang, key } = request.params as { lang?: string; key?: string };
    if (!isLocale(lang) || typeof key !== 'string' || !isMessageKey(key)) return { reply: await listPage(request, reply, ctx, {}, 404) };
    return { ctx, locale: lang, key: key as MessageKey };
  }

  async function editPage(reply: FastifyReply, ctx: DirectoryContext, locale: Locale, key: MessageKey, extra: { value?: string; notice?: string; error?: string } = {}, status = 200) {
    const texts = await readDirectoryTexts(deps.db, ctx.directory.id, ctx.directory.texts_version);
    const override = texts.overrides[locale]?.[key];
    return sendPage(reply, textEditPage({
      ...ctx, csrf: reply.generateCsrf(), locale, key, overridden: override !== undefined, value: override ?? catalogs[locale][key], ...extra,
    }), status);
  }

  app.get('/admin/d/:directory/languages', directoryRoute(deps, async (ctx, request, reply) => {
    return listPage(request, reply, ctx);
  }));

  app.post('/admin/d/:directory/languages', directoryRoute(deps, async (ctx, request, reply) => {
    const form = parseForm(languagesForm, request.body);
    const offered = form?.offered === undefined ? [] : [form.offered].flat();
    const valid = form && offered.length > 0 && offered.every(isLocale) && isLocale(form.default_locale) && offered.includes(form.default_locale);
    if (!valid) return listPage(request, reply, ctx, { error: m.invalidLanguages }, 400);
    // Kept in the catalogs' order, so the language switcher does not depend on the order of ticking.
    const chosen = LOCALES.filter((l) => offered.includes(l));
    const defaultLocale = form.default_locale as Locale;
    await changeTextSettings(deps.db, request, ctx, { setting: 'languages', offered: chosen, defaultLocale }, (store) => store.setLanguages(ctx.directory.id, chosen, defaultLocale));
    return seeOther(reply, `${languagesPath(ctx.directory)}?saved=1`);
  }));

  app.get('/admin/d/:directory/languages/:lang/texts/:key', async (request, reply) => {
    const loaded = await loadText(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const done = (request.query as { done?: unknown }).done;
    const notice = done === 'saved' ? m.overrideSaved : done === 'reset' ? m.overrideRemoved : undefined;
    return editPage(reply, loaded.ctx, loaded.locale, loaded.key, notice ? { notice } : {});
  });

  app.post('/admin/d/:directory/languages/:lang/texts/:key', async (request, reply) => {
    const loaded = await loadText(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { ctx, locale, key } = loaded;
    const form = parseForm(textForm, request.body);
    const text = form?.text.replace(/\r\n/g, '\n').trim() ?? '';
    if (!form || text.length === 0 || text.length > 2000) return editPage(reply, ctx, locale, key, { value: text, error: m.invalidText }, 400);
    const problem = placeholderError(catalogs[locale][key], text);
    if (problem) return editPage(reply, ctx, locale, key, { value: text, error: problem }, 400);
    await changeTextSettings(deps.db, request, ctx, { setting: 'text_override', locale, key }, (store) => store.setOverride(ctx.directory.id, locale, key, text));
    return seeOther(reply, `${textPath(ctx.directory, locale, key)}?done=saved`);
  });

  app.post('/admin/d/:directory/languages/:lang/texts/:key/reset', async (request, reply) => {
    const loaded = await loadText(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { ctx, locale, key } = loaded;
    await changeTextSettings(deps.db, request, ctx, { setting: 'text_override_removed', locale, key }, (store) => store.removeOverride(ctx.directory.id, locale, key));
    return seeOther(reply, `${textPath(ctx.directory, locale, key)}?done=reset`);
  });
}
