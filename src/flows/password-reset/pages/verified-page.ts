import { html } from '../../../http/html.ts';
import { csrfField, noticeBox } from '../../../http/layout.ts';
import { renderResetPage, type ResetPageContext } from './page-frame.ts';

/** The code was right: say so, then one button on to the new password. */
export function verifiedPage(ctx: ResetPageContext, options: { flowId: string }): string {
  const { t, csrf } = ctx.page;
  return renderResetPage(
    ctx,
    t('reset_title'),
    html`<h1>${t('reset_title')}</h1>
${noticeBox(t('reset_code_verified'))}
<form method="post" action="${ctx.paths.proceed(options.flowId)}">
${csrfField(csrf)}
<div class="actions"><button type="submit">${t('reset_continue')}</button></div>
</form>`,
  );
}
