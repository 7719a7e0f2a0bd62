import { html } from '../../../http/html.ts';
import { csrfField, errorBox, passwordField } from '../../../http/layout.ts';
import { renderResetPage, type ResetPageContext } from './page-frame.ts';

/** The new password, twice. A policy problem (R21) is shown above the fields; passwords are never echoed. */
export function newPasswordPage(ctx: ResetPageContext, options: { flowId: string; minLength: number; error?: string }): string {
  const { t, csrf } = ctx.page;
  return renderResetPage(
    ctx,
    t('reset_new_password_title'),
    html`<h1>${t('reset_new_password_title')}</h1>
${errorBox(options.error)}
<form method="post" action="${ctx.paths.password(options.flowId)}">
${csrfField(csrf)}
${passwordField(t, { name: 'new_password', label: t('reset_new_password'), autocomplete: 'new-password', describedBy: options.error ? 'password-hint form-error' : 'password-hint' })}
<p class="hint" id="password-hint">${t('password_hint', { min: options.minLength })}</p>
${passwordField(t, { name: 'confirm_password', label: t('reset_confirm_new_password'), autocomplete: 'new-password' })}
<div class="actions"><button type="submit">${t('reset_continue')}</button></div>
</form>`,
  );
}
