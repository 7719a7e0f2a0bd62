import { html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { ADMIN_PASSWORD_MIN_LENGTH } from '../../admin-password-policy.ts';
import { adminMessages as m, adminText } from '../admin-messages.ts';
import { adminEmailField, adminPasswordField, alertBox, renderAdminPage } from '../admin-layout.ts';

export interface SetupView {
  readonly csrf: string;
  readonly token: string;
  readonly email?: string;
  readonly error?: string;
}

// The token travels in the form body from here on, not in the URL, so it is not left in history or
// logs of the POST (R15's rule for secrets, applied to the setup link too).
export function setupPage(view: SetupView): string {
  return renderAdminPage(
    { title: m.setupTitle, csrf: view.csrf },
    html`<section class="panel narrow">
<h1>${m.setupTitle}</h1>
<p>${m.setupIntro}</p>
${alertBox(view.error)}
<form method="post" action="/admin/setup">
${csrfField(view.csrf)}
<input type="hidden" name="token" value="${view.token}">
${adminEmailField(view.email)}
${adminPasswordField({ name: 'password', label: m.fieldPassword, autocomplete: 'new-password', hint: adminText('setupPasswordHint', { min: ADMIN_PASSWORD_MIN_LENGTH }) })}
${adminPasswordField({ name: 'confirm', label: m.fieldConfirm, autocomplete: 'new-password' })}
<div class="actions"><button type="submit">${m.setupButton}</button></div>
</form>
</section>`,
  );
}

export function setupInvalidPage(csrf: string, adminExists: boolean): string {
  return renderAdminPage(
    { title: m.setupInvalidTitle, csrf },
    html`<section class="panel narrow">
<h1>${m.setupInvalidTitle}</h1>
<p>${adminExists ? m.setupAdminExists : m.setupInvalid}</p>
<p><a href="/admin">${m.goToSignIn}</a></p>
</section>`,
  );
}
