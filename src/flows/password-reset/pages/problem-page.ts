import { html } from '../../../http/html.ts';
import type { MessageKey } from '../../../i18n/i18n.ts';
import { renderResetPage, type ResetPageContext } from './page-frame.ts';

/** A plain page for a reset that cannot go on (switched off, unknown, another browser's, done), with a way on. */
export function problemPage(ctx: ResetPageContext, options: { title: MessageKey; message: MessageKey; link: { href: string; label: MessageKey } }): string {
  const { t } = ctx.page;
  return renderResetPage(
    ctx,
    t(options.title),
    html`<h1>${t(options.title)}</h1>
<p class="error" role="alert">${t(options.message)}</p>
<div class="links"><a href="${options.link.href}">${t(options.link.label)}</a></div>`,
  );
}
