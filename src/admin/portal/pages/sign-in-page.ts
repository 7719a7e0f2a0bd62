import { html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { adminMessages as m } from '../admin-messages.ts';
import { adminEmailField, adminPasswordField, alertBox, renderAdminPage } from '../admin-layout.ts';

export interface SignInView {
  readonly csrf: string;
  readonly email?: string;
  readonly error?: string;
  /** Where to go after signing in: an /admin path the visitor asked for before being sent here. */
  readonly next?: string;
}

export function signInPage(view: SignInView): string {
  return renderAdminPage(
    { title: m.signInTitle, csrf: view.csrf },
    html`<section class="panel narrow">
<h1>${m.signInTitle}</h1>
<p>${m.signInIntro}</p>
${alertBox(view.error)}
<form method="post" action="/admin/signin">
${csrfField(view.csrf)}
${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
${adminEmailField(view.email)}
${adminPasswordField({ name: 'password', label: m.fieldPassword, autocomplete: 'current-password' })}
<div class="actions"><button type="submit">${m.signInButton}</button></div>
</form>
</section>`,
  );
}
