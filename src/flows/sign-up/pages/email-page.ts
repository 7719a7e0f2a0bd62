import { html } from '../../../http/html.ts';
import { csrfField, errorBox } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import { renderSignUpFrame } from './sign-up-frame.ts';

/** The first step: an email address. Shown again with what was typed when it is not an address. */
export function renderEmailPage(ctx: PageContext, links: Links, directory: Directory, view: { email?: string; invalid?: boolean }): string {
  const { t } = ctx;
  const path = links.paths.signUp(directory.slug);
  const body = html`<h1>${t('sign_up_title')}</h1>
<p>${t('sign_up_intro')}</p>
${errorBox(view.invalid ? t('sign_up_email_invalid') : undefined)}
<form method="post" action="${path}" novalidate>
${csrfField(ctx.csrf)}
<label for="email">${t('field_email')}</label>
<input type="text" inputmode="email" id="email" name="email" value="${view.email ?? ''}" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="254"${view.invalid ? html` aria-invalid="true" aria-describedby="form-error"` : ''}>
<div class="actions"><button type="submit">${t('sign_up_send_code')}</button></div>
</form>
<div class="links"><p>${t('sign_up_have_account')} <a href="${links.paths.signIn(directory.slug)}">${t('sign_up_sign_in')}</a></p></div>`;
  return renderSignUpFrame(ctx, directory, path, body);
}
