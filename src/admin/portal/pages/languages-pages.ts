import { html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { catalogs } from '../../../i18n/catalogs/index.ts';
import { LOCALES, type MessageKey, type Overrides } from '../../../i18n/i18n.ts';
import { placeholdersOf } from '../../../i18n/placeholders.ts';
import type { Directory, Locale } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';

// "Languages": which languages a directory's customers may see, its default, and its own wording of any
// customer-facing string (pages and mail), one language at a time.

export const languageMessages = {
  title: 'Languages',
  offeredLegend: 'Languages offered to customers',
  offeredHint: 'Customers see the first of their browser’s or application’s languages that is offered here, else the default.',
  defaultLabel: 'Default language',
  saved: 'Saved',
  textsTitle: 'Customer-facing text',
  textsIntro: 'Replace any text of the sign-in, sign-up, password reset and account pages and of the mail. Text is plain: HTML is shown as typed.',
  languageLabel: 'Language',
  filterLabel: 'Find text (key or words)',
  show: 'Show',
  columnKey: 'Key',
  columnDefault: 'Default text',
  columnCurrent: 'Text in use',
  edit: 'Edit',
  overridden: 'Changed',
  noMatch: 'No text matches.',
  editTitle: 'Edit text',
  placeholders: 'Placeholders this text must keep:',
  noPlaceholders: 'This text has no placeholders.',
  fieldText: 'Text',
  save: 'Save',
  resetToDefault: 'Reset to default',
  overrideSaved: 'Saved. Customers see this text from their next page.',
  overrideRemoved: 'Reset to default.',
  invalidLanguages: 'Tick at least one language, and choose a default among those ticked. Nothing was changed.',
  invalidText: 'Enter the text, 1 to 2,000 characters. Nothing was changed.',
  placeholderProblem: 'The text must keep exactly the placeholders of the default. {problems} Nothing was changed.',
  missing: 'Missing: {names}.',
  unknown: 'Not allowed: {names}.',
} as const;

const m = languageMessages;

export const languageNames: Readonly<Record<Locale, string>> = { en: 'English', fr: 'French', nl: 'Dutch', de: 'German', es: 'Spanish' };

export const languagesPath = (directory: Directory, rest = '') => directoryPath(directory.slug, `/languages${rest}`);
export const textPath = (directory: Directory, locale: Locale, key: string) => languagesPath(directory, `/${locale}/texts/${encodeURIComponent(key)}`);

interface Frame {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
}

export interface LanguagesView extends Frame {
  readonly locale: Locale;
  readonly filter: string;
  readonly overrides: Overrides;
  readonly notice?: string;
  readonly error?: string;
}

function languagesForm(view: LanguagesView) {
  const { directory } = view;
  const boxes = LOCALES.map(
    (locale) => html`<div class="choice"><input type="checkbox" id="offered-${locale}" name="offered" value="${locale}"${directory.offered_locales.includes(locale) ? html` checked` : ''}>
<label for="offered-${locale}">${languageNames[locale]} <span lang="${locale}">(${catalogs[locale].language_name})</span></label></div>`,
  );
  const options = LOCALES.map((locale) => html`<option value="${locale}"${directory.default_locale === locale ? html` selected` : ''}>${languageNames[locale]}</option>`);
  return html`<form method="post" action="${languagesPath(directory)}">
${csrfField(view.csrf)}
<fieldset><legend>${m.offeredLegend}</legend><p class="hint">${m.offeredHint}</p>${boxes}</fieldset>
<div class="field"><label for="default-locale">${m.defaultLabel}</label><select id="default-locale" name="default_locale">${options}</select></div>
<div class="actions"><button type="submit">${m.save}</button></div>
</form>`;
}

function matches(key: MessageKey, locale: Locale, overrides: Overrides, filter: string): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return [key, catalogs[locale][key], overrides[key] ?? ''].some((text) => text.toLowerCase().includes(needle));
}

function textsTable(view: LanguagesView) {
  const { directory, locale, overrides } = view;
  const keys = (Object.keys(catalogs.en) as MessageKey[]).filter((key) => matches(key, locale, overrides, view.filter));
  const rows = keys.map((key) => {
    const override = overrides[key];
    return html`<tr>
<th scope="row"><code>${key}</code></th>
<td lang="${locale}">${catalogs[locale][key]}</td>
<td lang="${locale}">${override === undefined ? html`<span class="muted">—</span>` : html`<strong class="badge">${m.overridden}</strong> ${override}`}</td>
<td><a href="${textPath(directory, locale, key)}" aria-label="${m.edit} ${key}">${m.edit}</a></td>
</tr>`;
  });
  const options = LOCALES.map((l) => html`<option value="${l}"${l === locale ? html` selected` : ''}>${languageNames[l]}</option>`);
  return html`<form method="get" action="${languagesPath(directory)}" class="filters">
<div class="field"><label for="text-lang">${m.languageLabel}</label><select id="text-lang" name="lang">${options}</select></div>
<div class="field"><label for="text-filter">${m.filterLabel}</label><input type="text" id="text-filter" name="q" maxlength="100" value="${view.filter}"></div>
<div class="actions"><button type="submit" class="quiet">${m.show}</button></div>
</form>
${keys.length === 0 ? html`<p>${m.noMatch}</p>` : html`<div class="table-wrap"><table class="texts">
<thead><tr><th scope="col">${m.columnKey}</th><th scope="col">${m.columnDefault} (${languageNames[locale]})</th><th scope="col">${m.columnCurrent}</th><th scope="col"><span class="visually-hidden">${m.edit}</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`}`;
}

export function languagesPage(view: LanguagesView): string {
  const { directory } = view;
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(directory, m.title) },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(directory, 'languages')}
${statusBox(view.notice)}
${alertBox(view.error)}
<section class="panel" aria-labelledby="offered-heading"><h2 id="offered-heading">${m.offeredLegend}</h2>${languagesForm(view)}</section>
<section class="panel" aria-labelledby="texts-heading"><h2 id="texts-heading">${m.textsTitle}</h2><p>${m.textsIntro}</p>${textsTable(view)}</section>`,
  );
}

export interface TextEditView extends Frame {
  readonly locale: Locale;
  readonly key: MessageKey;
  readonly value: string;
  readonly overridden: boolean;
  readonly notice?: string;
  readonly error?: string;
}

export function textEditPage(view: TextEditView): string {
  const { directory, locale, key } = view;
  const original = catalogs[locale][key];
  const placeholders = placeholdersOf(original);
  const title = `${m.editTitle}: ${key} (${languageNames[locale]})`;
  return renderAdminPage(
    { title: `${directory.display_name} · ${title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [...directoryCrumbs(directory, m.title).slice(0, -1), { label: m.title, href: `${languagesPath(directory)}?lang=${locale}` }, { label: key }] },
    html`<p class="eyebrow">${directory.display_name} · ${languageNames[locale]}</p>
<h1>${m.editTitle}: <code>${key}</code></h1>
${directoryNav(directory, 'languages')}
<section class="panel">
${statusBox(view.notice)}
${alertBox(view.error)}
<dl class="facts"><dt>${m.columnDefault}</dt><dd lang="${locale}">${original}</dd></dl>
<p id="placeholders-hint" class="hint">${placeholders.length ? html`${m.placeholders} ${placeholders.map((p, i) => html`${i ? ', ' : ''}<code>{${p}}</code>`)}` : m.noPlaceholders}</p>
<form method="post" action="${textPath(directory, locale, key)}">
${csrfField(view.csrf)}
<div class="field"><label for="override-text">${m.fieldText}</label>
<textarea id="override-text" name="text" rows="4" maxlength="2000" required lang="${locale}" aria-describedby="placeholders-hint">${view.value}</textarea></div>
<div class="actions"><button type="submit">${m.save}</button></div>
</form>
${view.overridden ? html`<form method="post" action="${textPath(directory, locale, key)}/reset">${csrfField(view.csrf)}<button type="submit" class="quiet">${m.resetToDefault}</button></form>` : ''}
</section>`,
  );
}
