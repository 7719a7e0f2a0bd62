import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readDirectoryTexts } from '../../directories/directory-texts.ts';
import { isValidEmail } from '../../domain/identifier.ts';
import { isValidFromName, parseMailFrom } from '../../email/mail-sender.ts';
import { enqueueEmail, type EmailTemplate } from '../../email/outbox.ts';
import { sealCode } from '../../email/sealed-code.ts';
import { fillTemplate } from '../../email/templates/fill-template.ts';
import { changedAtText, defaultTemplate, type EmailValues } from '../../email/templates/render-email.ts';
import { isEmailTemplate, unknownVariables } from '../../email/templates/template-variables.ts';
import { isLocale, translator, type Translate } from '../../i18n/i18n.ts';
import { sendPage } from '../../http/request-context.ts';
import type { Directory, Locale } from '../../storage/schema.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { directoryRoute, isDirectoryLoaded, loadDirectory, parseForm, seeOther, type DirectoryContext } from './admin-guard.ts';
import { changeTextSettings, recordDirectoryAction } from './directory-audit.ts';
import { emailOverviewPage, emailPath, templateEditPage, templateMessages as m, templatePath } from './pages/email-template-pages.ts';

// Email templates and the sender. A template is checked at save (and preview) for variables the message
// does not have; it is filled only by the dispatcher, after the code is opened, so a code is never
// stored in clear anywhere (R9). A test email goes through the outbox like any other.

const senderForm = z.object({ _csrf: z.string(), from_name: z.string().max(400), reply_to: z.string().max(400) });
const templateForm = z.object({ _csrf: z.string(), subject: z.string().max(500), html: z.string().max(100_000), text: z.string().max(100_000) });
const testForm = z.object({ _csrf: z.string(), to: z.string().max(400) });

const SAMPLE_CODE = '123456';
const EDITOR_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

function sampleValues(directory: Directory, t: Translate, signInUrl: string, locale: Locale): EmailValues {
  return {
    code: SAMPLE_CODE, expiresInMinutes: '10', displayName: 'Alex Example', signInUrl, directoryName: directory.display_name,
    supportContact: directory.support_contact ?? '',
    changedAt: changedAtText(locale, new Date()),
    howChanged: t('email_password_changed_reset'),
    resetUrl: signInUrl.replace(/\/signin$/, '/reset'),
  };
}

export function registerEmailTemplateRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const signInUrl = (directory: Directory) => deps.links.absolute(deps.links.paths.signIn(directory.slug));
  const secure = deps.links.absolute('/').startsWith('https:');
  async function overview(request: FastifyRequest, reply: FastifyReply, ctx: DirectoryContext, extra: { draft?: { fromName: string; replyTo: string }; error?: string } = {}, status = 200) {
    const texts = await readDirectoryTexts(deps.db, ctx.directory.id, ctx.directory.texts_version);
    const saved = (request.query as { saved?: unknown }).saved === '1';
    return sendPage(reply, emailOverviewPage({
      ...ctx, csrf: reply.generateCsrf(), defaultFrom: parseMailFrom(deps.mailFrom), templates: texts.templates, ...(saved ? { notice: m.senderSaved } : {}), ...extra,
    }), status);
  }

  async function loadTemplate(request: FastifyRequest, reply: FastifyReply) {
    const ctx = await loadDirectory(deps, request, reply);
    if (!isDirectoryLoaded(ctx)) return { reply: ctx };
    const { template, lang } = request.params as { template?: string; lang?: string };
    if (!isEmailTemplate(template) || !isLocale(lang)) return { reply: await overview(request, reply, ctx, {}, 404) };
    const texts = await readDirectoryTexts(deps.db, ctx.directory.id, ctx.directory.texts_version);
    const t = translator(lang, texts.overrides[lang]);
    const stored = texts.templates.find((row) => row.template === template && row.locale === lang);
    return { ctx, template: template as EmailTemplate, locale: lang, t, stored, content: stored ?? defaultTemplate(template, lang, t) };
  }
  type Loaded = Extract<Awaited<ReturnType<typeof loadTemplate>>, { ctx: DirectoryContext }>;

  function editor(reply: FastifyReply, loaded: Loaded, extra: Partial<Parameters<typeof templateEditPage>[0]> = {}, status = 200) {
    const { ctx, template, locale, stored, content } = loaded;
    // The preview's HTML is the administrator's, with inline styles; the frame is sandboxed (no scripts,
    // no same-origin), and only this page lets inline styles through.
    reply.header('content-security-policy', EDITOR_CSP + (secure ? '; upgrade-insecure-requests' : ''));
    return sendPage(reply, templateEditPage({ ...ctx, csrf: reply.generateCsrf(), template, locale, custom: stored !== undefined, content, ...extra }), status);
  }

  /** The form's template, or the editor again with the reason when it cannot be saved or previewed. */
  function draftOf(request: FastifyRequest, reply: FastifyReply, loaded: Loaded) {
    const form = parseForm(templateForm, request.body);
    const body = request.body as Record<string, unknown> | undefined;
    const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string).slice(0, 100_000) : '');
    const draft = { subject: text('subject').trim(), html: text('html'), text: text('text').replace(/\r\n/g, '\n') };
    if (!form || !draft.subject || /[\r\n]/.test(draft.subject) || !draft.html.trim() || !draft.text.trim()) {
      return { refused: editor(reply, loaded, { content: draft, error: m.invalidTemplate }, 400) };
    }
    const unknown = unknownVariables(loaded.template, draft.subject, draft.html, draft.text);
    if (unknown.length > 0) {
      return { refused: editor(reply, loaded, { content: draft, error: m.unknownVariables.replace('{names}', unknown.map((n) => `{{${n}}}`).join(', ')) }, 400) };
    }
    return { draft };
  }

  app.get('/admin/d/:directory/email', directoryRoute(deps, async (ctx, request, reply) => {
    return overview(request, reply, ctx);
  }));

  app.post('/admin/d/:directory/email/sender', directoryRoute(deps, async (ctx, request, reply) => {
    const form = parseForm(senderForm, request.body);
    const fromName = form?.from_name.trim() ?? '';
    const replyTo = form?.reply_to.trim() ?? '';
    if (!form || (fromName && !isValidFromName(fromName)) || (replyTo && !isValidEmail(replyTo))) {
      return overview(request, reply, ctx, { draft: { fromName: fromName.slice(0, 200), replyTo: replyTo.slice(0, 254) }, error: m.invalidSender }, 400);
    }
    const sender = { fromName: fromName || null, replyTo: replyTo || null };
    await changeTextSettings(deps.db, request, ctx, { setting: 'mail_sender', ...sender }, (store) => store.setSender(ctx.directory.id, sender));
    return seeOther(reply, `${emailPath(ctx.directory)}?saved=1`);
  }));

  app.get('/admin/d/:directory/email/:template/:lang', async (request, reply) => {
    const loaded = await loadTemplate(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const done = (request.query as { done?: unknown }).done;
    const notice = done === 'saved' ? m.saved : done === 'reset' ? m.removed : done === 'sent' ? m.testQueued : undefined;
    return editor(reply, loaded, notice ? { notice } : {});
  });

  app.post('/admin/d/:directory/email/:template/:lang/preview', async (request, reply) => {
    const loaded = await loadTemplate(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { draft, refused } = draftOf(request, reply, loaded);
    if (refused) return refused;
    const preview = fillTemplate(draft, sampleValues(loaded.ctx.directory, loaded.t, signInUrl(loaded.ctx.directory), loaded.locale));
    return editor(reply, loaded, { content: draft, preview });
  });

  app.post('/admin/d/:directory/email/:template/:lang', async (request, reply) => {
    const loaded = await loadTemplate(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { draft, refused } = draftOf(request, reply, loaded);
    if (refused) return refused;
    const { ctx, template, locale } = loaded;
    await changeTextSettings(deps.db, request, ctx, { setting: 'email_template', template, locale }, (store) => store.saveTemplate(ctx.directory.id, template, locale, draft));
    return seeOther(reply, `${templatePath(ctx.directory, template, locale)}?done=saved`);
  });

  app.post('/admin/d/:directory/email/:template/:lang/reset', async (request, reply) => {
    const loaded = await loadTemplate(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { ctx, template, locale } = loaded;
    await changeTextSettings(deps.db, request, ctx, { setting: 'email_template_removed', template, locale }, (store) => store.removeTemplate(ctx.directory.id, template, locale));
    return seeOther(reply, `${templatePath(ctx.directory, template, locale)}?done=reset`);
  });

  app.post('/admin/d/:directory/email/:template/:lang/test', async (request, reply) => {
    const loaded = await loadTemplate(request, reply);
    if (!loaded.ctx) return loaded.reply;
    const { ctx, template, locale } = loaded;
    const form = parseForm(testForm, request.body);
    const to = form?.to.trim() ?? '';
    if (!form || !isValidEmail(to)) return editor(reply, loaded, { error: m.invalidTestAddress }, 400);
    await deps.db.transaction().execute(async (trx) => {
      // The administrator chose this address for a sample message; the sample code is sealed like a real one.
      await enqueueEmail(trx, {
        directoryId: ctx.directory.id, template, locale, to,
        payload: { sealedCode: sealCode(deps.key, SAMPLE_CODE), minutes: 10, displayName: 'Alex Example', reason: 'reset', signInUrl: signInUrl(ctx.directory) },
      });
      await recordDirectoryAction(trx, request, ctx, 'admin_test_email_sent', { template, locale });
    });
    deps.mailQueued();
    return seeOther(reply, `${templatePath(ctx.directory, template, locale)}?done=sent`);
  });
}
