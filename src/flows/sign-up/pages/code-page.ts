import { html } from '../../../http/html.ts';
import { csrfField, errorBox, noticeBox } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { CodeNotice } from '../sign-up-flow.ts';
import { renderSignUpFrame } from './sign-up-frame.ts';

const REJECTIONS = { wrong: 'sign_up_code_wrong', expired: 'sign_up_code_expired', exhausted: 'sign_up_code_exhausted' } as const;

/** State awaiting_code: the same page whether or not the address already has an account (R12). */
export function renderCodePage(ctx: PageContext, links: Links, directory: Directory, view: { flowId: string; email: string; minutes: number; notice: CodeNotice }): string {
  const { t } = ctx;
  const path = `${links.paths.signUp(directory.slug)}/${view.flowId}`;
  const body = html`<h1>${t('sign_up_title')}</h1>
${view.notice === 'sent' ? noticeBox(t('sign_up_code_sent', { email: view.email, minutes: view.minutes })) : errorBox(t(REJECTIONS[view.notice]))}
<form method="post" action="${path}/code" novalidate>
${csrfField(ctx.csrf)}
<label for="code">${t('sign_up_code_label')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12"${view.notice === 'sent' ? '' : html` aria-describedby="form-error"`}>
<div class="actions"><button type="submit">${t('sign_up_verify_code')}</button></div>
</form>
<form method="post" action="${path}/resend">
${csrfField(ctx.csrf)}
<div class="actions"><button type="submit" class="secondary">${t('sign_up_resend')}</button></div>
</form>
<div class="links"><a href="${links.paths.signUp(directory.slug)}">${t('sign_up_other_email')}</a></div>`;
  return renderSignUpFrame(ctx, directory, path, body);
}
