import { html } from '../../../http/html.ts';
import { csrfField, errorBox } from '../../../http/layout.ts';
import { renderResetPage, type ResetPageContext } from './page-frame.ts';

/** Step 1: who are you? The same page whether or not the account exists; nothing here depends on it. */
export function requestPage(ctx: ResetPageContext, options: { identifier?: string; error?: string }): string {
  const { t, csrf } = ctx.page;
  const username = ctx.directory.sign_in_identifier === 'username';
  const field = username ? 'username' : 'email';
  return renderResetPage(
    ctx,
    t('reset_title'),
    html`<h1>${t('reset_title')}</h1>
<p>${t(username ? 'reset_intro_username' : 'reset_intro_email')}</p>
${errorBox(options.error)}
<form method="post" action="${ctx.paths.start}" novalidate>
${csrfField(csrf)}
<label for="${field}">${t(username ? 'field_username' : 'field_email')}</label>
<input type="${username ? 'text' : 'email'}" id="${field}" name="${field}" value="${options.identifier ?? ''}" autocomplete="username" required maxlength="254" autofocus${options.error ? html` aria-invalid="true" aria-describedby="form-error"` : ''}>
<div class="actions"><button type="submit">${t('reset_send_code')}</button></div>
</form>
<div class="links"><a href="${ctx.paths.signIn}">${t('reset_back_to_sign_in')}</a></div>`,
  );
}
