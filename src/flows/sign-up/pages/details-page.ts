import { MAX_PASSWORD_LENGTH } from '../../../domain/password-policy.ts';
import { html } from '../../../http/html.ts';
import { csrfField, errorBox, noticeBox, passwordField } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { DetailsProblem } from '../sign-up-flow.ts';
import { renderSignUpFrame } from './sign-up-frame.ts';

export interface DetailsView {
  readonly flowId: string;
  readonly email: string;
  readonly displayName: string;
  readonly username: string;
  readonly problem?: DetailsProblem;
  readonly minLength: number;
}

/** State choosing_details: the verified address, then name, (username) and password; says why a password is refused (P4). */
export function renderDetailsPage(ctx: PageContext, links: Links, directory: Directory, view: DetailsView): string {
  const { t } = ctx;
  const path = `${links.paths.signUp(directory.slug)}/${view.flowId}`;
  const limits = { min: view.minLength, max: MAX_PASSWORD_LENGTH };
  const username = directory.sign_in_identifier === 'username'
    ? html`<label for="username">${t('field_username')}</label>
<input type="text" id="username" name="username" value="${view.username}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" aria-describedby="username-hint">
<p class="hint" id="username-hint">${t('sign_up_username_hint')}</p>`
    : '';
  const body = html`<h1>${t('sign_up_title')}</h1>
${noticeBox(t('sign_up_email_verified', { email: view.email }))}
${errorBox(view.problem ? t(view.problem, limits) : undefined)}
<form method="post" action="${path}/details" novalidate>
${csrfField(ctx.csrf)}
<label for="display_name">${t('sign_up_display_name')}</label>
<input type="text" id="display_name" name="display_name" value="${view.displayName}" autocomplete="name" required maxlength="100">
${username}
${passwordField(t, { name: 'password', label: t('sign_up_password'), autocomplete: 'new-password', describedBy: 'password-hint' })}
<p class="hint" id="password-hint">${t('password_hint', limits)}</p>
${passwordField(t, { name: 'confirm_password', label: t('sign_up_confirm_password'), autocomplete: 'new-password' })}
<div class="actions"><button type="submit">${t('sign_up_create')}</button></div>
</form>`;
  return renderSignUpFrame(ctx, directory, path, body);
}
