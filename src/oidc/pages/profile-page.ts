import { html } from '../../http/html.ts';
import { csrfField, errorBox, renderPage } from '../../http/layout.ts';
import type { PageContext } from '../../http/request-context.ts';
import type { MessageKey } from '../../i18n/i18n.ts';
import type { Directory } from '../../storage/schema.ts';

/** The profile-editing user flow's one page: what the customer may change about themselves. */
export function profilePage(ctx: PageContext, directory: Directory, view: { action: string; displayName: string; error?: MessageKey }): string {
  const { t } = ctx;
  const body = html`<h1>${t('profile_edit_title')}</h1>
${errorBox(view.error ? t(view.error) : undefined)}
<form method="post" action="${view.action}" novalidate>
${csrfField(ctx.csrf)}
<label for="display_name">${t('account_display_name')}</label>
<input type="text" id="display_name" name="display_name" value="${view.displayName}" autocomplete="name" required maxlength="100">
<div class="actions"><button type="submit">${t('profile_edit_save')}</button></div>
</form>`;
  return renderPage({ locale: ctx.locale, title: t('profile_edit_title'), brand: directory.display_name, t, offered: ctx.offered }, body);
}
