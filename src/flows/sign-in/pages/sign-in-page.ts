import { html } from '../../../http/html.ts';
import { csrfField, errorBox, noticeBox, passwordField, renderPage } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { MessageKey } from '../../../i18n/i18n.ts';
import type { Directory } from '../../../storage/schema.ts';
import { pageBrand } from '../../../http/page-brand.ts';

export interface SignInView {
  /** What the customer typed, shown back after a failure so nothing is lost. */
  readonly identifier?: string;
  readonly error?: MessageKey;
  readonly notice?: MessageKey;
  /**
   * Inside an application's user flow the form posts to the interaction, and the user flow decides
   * which ways out it offers; an absent link is not shown.
   */
  readonly userFlow?: { readonly action: string; readonly signUpHref?: string; readonly resetHref?: string };
}

export function renderSignInPage(ctx: PageContext, links: Links, directory: Directory, view: SignInView): string {
  const { t } = ctx;
  const byUsername = directory.sign_in_identifier === 'username';
  const path = links.paths.signIn(directory.slug);
  // The reset link follows the directory's setting on every load: turning reset off hides it at once.
  const resetHref = view.userFlow ? view.userFlow.resetHref : directory.reset_scope !== 'none' ? links.paths.reset(directory.slug) : undefined;
  const signUpHref = view.userFlow ? view.userFlow.signUpHref : links.paths.signUp(directory.slug);
  const forgot = resetHref ? html`<a href="${resetHref}">${t('sign_in_forgot')}</a>` : '';
  const signUp = signUpHref ? html`<p>${t('sign_in_no_account')} <a href="${signUpHref}">${t('sign_in_sign_up_link')}</a></p>` : '';
  // The directory's own words, as its administrator wrote them on the branding page (plain text).
  const brandText = directory.brand_sign_in_text ? html`<p class="brand-text">${directory.brand_sign_in_text}</p>` : '';
  const body = html`<h1>${t('sign_in_heading')}</h1>
${brandText}
${noticeBox(view.notice ? t(view.notice) : undefined)}
${errorBox(view.error ? t(view.error) : undefined)}
<form method="post" action="${view.userFlow?.action ?? path}" novalidate>
${csrfField(ctx.csrf)}
<label for="identifier">${byUsername ? t('field_username') : t('field_email')}</label>
<input type="text" id="identifier" name="identifier" value="${view.identifier ?? ''}" autocomplete="username" ${byUsername ? '' : html`inputmode="email" `}autocapitalize="none" spellcheck="false" required maxlength="320"${view.error ? html` aria-describedby="form-error"` : ''}>
${passwordField(t, { name: 'password', label: t('field_password'), autocomplete: 'current-password' })}
<div class="actions"><button type="submit">${t('sign_in_submit')}</button></div>
</form>
<div class="links">
${forgot}
${signUp}
</div>`;
  return renderPage({ locale: ctx.locale, title: t('sign_in_title'), brand: pageBrand(directory), path, t, offered: ctx.offered }, body);
}
