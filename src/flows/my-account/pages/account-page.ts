import { MAX_PASSWORD_LENGTH } from '../../../domain/password-policy.ts';
import { html } from '../../../http/html.ts';
import { csrfField, errorBox, noticeBox, passwordField, renderPage } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Account, Directory } from '../../../storage/schema.ts';
import type { ChangeProblem } from '../my-account-service.ts';
import { pageBrand } from '../../../http/page-brand.ts';

export interface AccountView {
  readonly account: Account;
  readonly minLength: number;
  readonly problem?: ChangeProblem;
  readonly changed?: boolean;
}

export function renderAccountPage(ctx: PageContext, links: Links, directory: Directory, view: AccountView): string {
  const { t } = ctx;
  const { account } = view;
  const path = links.paths.account(directory.slug);
  const limits = { min: view.minLength, max: MAX_PASSWORD_LENGTH };
  const body = html`<h1>${t('account_title')}</h1>
${noticeBox(view.changed ? t('account_password_changed') : undefined)}
<dl class="profile">
<dt>${t('account_display_name')}</dt><dd>${account.display_name}</dd>
<dt>${t('field_email')}</dt><dd>${account.email}</dd>
${account.username ? html`<dt>${t('field_username')}</dt><dd>${account.username}</dd>` : ''}
</dl>
<h2>${t('account_change_password')}</h2>
${errorBox(view.problem ? t(view.problem, limits) : undefined)}
<form method="post" action="${path}/password" novalidate>
${csrfField(ctx.csrf)}
<input type="text" name="username" value="${account.username ?? account.email}" autocomplete="username" hidden readonly>
${passwordField(t, { name: 'current_password', label: t('account_current_password'), autocomplete: 'current-password' })}
${passwordField(t, { name: 'new_password', label: t('account_new_password'), autocomplete: 'new-password', describedBy: 'password-hint' })}
<p class="hint" id="password-hint">${t('password_hint', limits)}</p>
${passwordField(t, { name: 'confirm_new_password', label: t('account_confirm_new_password'), autocomplete: 'new-password' })}
<div class="actions"><button type="submit">${t('account_change_password')}</button></div>
</form>
<form method="post" action="${path}/signout">
${csrfField(ctx.csrf)}
<div class="actions"><button type="submit" class="secondary">${t('account_sign_out')}</button></div>
</form>`;
  return renderPage({ locale: ctx.locale, title: t('account_title'), brand: pageBrand(directory), path, t, offered: ctx.offered }, body);
}
