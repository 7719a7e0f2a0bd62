import { html } from '../../http/html.ts';
import { csrfField, errorBox, renderPage } from '../../http/layout.ts';
import type { PageContext } from '../../http/request-context.ts';
import { translator, type MessageKey } from '../../i18n/i18n.ts';
import type { Directory, Locale } from '../../storage/schema.ts';
import { pageBrand } from '../../http/page-brand.ts';

export interface ProfileView {
  readonly action: string;
  /** The attributes the user flow collects (its "collected attributes" setting), in that order. */
  readonly attributes: readonly string[];
  readonly displayName: string;
  readonly locale: Locale | null;
  readonly error?: MessageKey;
}

/** The profile-editing user flow's one page: what the flow lets the customer change about themselves. */
export function profilePage(ctx: PageContext, directory: Directory, view: ProfileView): string {
  const { t } = ctx;
  const displayName = html`<label for="display_name">${t('account_display_name')}</label>
<input type="text" id="display_name" name="display_name" value="${view.displayName}" autocomplete="name" required maxlength="100">`;
  // Each language is named in itself, as language pickers do.
  // Only the languages the directory offers.
  const options = ctx.offered.map((locale) => html`<option value="${locale}" lang="${locale}"${view.locale === locale ? html` selected` : ''}>${translator(locale)('language_name')}</option>`);
  const language = html`<label for="locale">${t('nav_language')}</label>
<select id="locale" name="locale">${options}</select>`;
  const body = html`<h1>${t('profile_edit_title')}</h1>
${errorBox(view.error ? t(view.error) : undefined)}
<form method="post" action="${view.action}" novalidate>
${csrfField(ctx.csrf)}
${view.attributes.includes('display_name') ? displayName : ''}
${view.attributes.includes('locale') ? language : ''}
<div class="actions"><button type="submit">${t('profile_edit_save')}</button></div>
</form>`;
  return renderPage({ locale: ctx.locale, title: t('profile_edit_title'), brand: pageBrand(directory), t, offered: ctx.offered }, body);
}
