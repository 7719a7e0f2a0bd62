import { MAX_PASSWORD_LENGTH, type PasswordProblem } from '../../../domain/password-policy.ts';
import { pageBrand } from '../../../http/page-brand.ts';
import { html } from '../../../http/html.ts';
import { csrfField, errorBox, passwordField, renderPage } from '../../../http/layout.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Account, Directory } from '../../../storage/schema.ts';

export interface ForcedChangeView {
  readonly account: Account;
  /** Where the form posts: the standalone page, or the same step inside an application's user flow. */
  readonly action: string;
  readonly path: string;
  readonly minLength: number;
  readonly problem?: PasswordProblem;
}

export function renderForcedChangePage(ctx: PageContext, directory: Directory, view: ForcedChangeView): string {
  const { t } = ctx;
  const limits = { min: view.minLength, max: MAX_PASSWORD_LENGTH };
  const body = html`<h1>${t('forced_change_title')}</h1>
<p>${t('forced_change_intro')}</p>
${errorBox(view.problem ? t(view.problem, limits) : undefined)}
<form method="post" action="${view.action}" novalidate>
${csrfField(ctx.csrf)}
<input type="text" name="username" value="${view.account.username ?? view.account.email}" autocomplete="username" hidden readonly>
${passwordField(t, { name: 'new_password', label: t('account_new_password'), autocomplete: 'new-password', describedBy: 'password-hint' })}
<p class="hint" id="password-hint">${t('password_hint', limits)}</p>
${passwordField(t, { name: 'confirm_new_password', label: t('account_confirm_new_password'), autocomplete: 'new-password' })}
<div class="actions"><button type="submit">${t('forced_change_submit')}</button></div>
</form>`;
  return renderPage({ locale: ctx.locale, title: t('forced_change_title'), brand: pageBrand(directory), path: view.path }, body);
}
