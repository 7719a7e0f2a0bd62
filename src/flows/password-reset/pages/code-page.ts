import { html } from '../../../http/html.ts';
import { csrfField, errorBox, noticeBox } from '../../../http/layout.ts';
import type { MessageKey } from '../../../i18n/i18n.ts';
import type { CodeNotice } from '../password-reset-flow.ts';
import { renderResetPage, type ResetPageContext } from './page-frame.ts';

const NOTICE_MESSAGES: Readonly<Record<CodeNotice, MessageKey>> = {
  sent: 'reset_code_sent',
  wrong: 'reset_code_wrong',
  expired: 'reset_code_expired',
  exhausted: 'reset_code_exhausted',
  replaced: 'reset_code_replaced',
};

/**
 * Step 2: the code. The notice is "sent" whatever happened to the request (no account, throttled,
 * disabled: R5, R12); a failed code says why, each with "Send new code" beside it.
 */
export function codePage(ctx: ResetPageContext, options: { flowId: string; identifier: string; notice: CodeNotice }): string {
  const { t, csrf } = ctx.page;
  const username = ctx.directory.sign_in_identifier === 'username';
  const message = t(NOTICE_MESSAGES[options.notice]);
  return renderResetPage(
    ctx,
    t('reset_code_title'),
    html`<h1>${t('reset_code_title')}</h1>
${options.notice === 'sent' ? noticeBox(message) : errorBox(message)}
<label for="identifier">${t(username ? 'field_username' : 'field_email')}</label>
<input type="text" id="identifier" value="${options.identifier}" readonly>
<form method="post" action="${ctx.paths.verify(options.flowId)}">
${csrfField(csrf)}
<label for="code">${t('reset_code_label')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required autofocus${options.notice === 'sent' ? '' : html` aria-describedby="form-error"`}>
<div class="actions"><button type="submit">${t('reset_verify_code')}</button></div>
</form>
<form method="post" action="${ctx.paths.resend(options.flowId)}">
${csrfField(csrf)}
<div class="actions"><button type="submit" class="secondary">${t('reset_send_new_code')}</button></div>
</form>
<div class="links"><a href="${ctx.paths.change(options.flowId)}">${t(username ? 'reset_change_username' : 'reset_change_email')}</a></div>`,
  );
}
