import { html } from '../../../http/html.ts';
import { errorBox } from '../../../http/layout.ts';
import type { Links } from '../../../http/links.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import { renderSignUpFrame } from './sign-up-frame.ts';

/**
 * State already_registered: only reached with the code mailed to that address, so only the mailbox's
 * owner ever learns the account exists.
 */
export function renderAlreadyRegisteredPage(ctx: PageContext, links: Links, directory: Directory, view: { flowId: string; email: string }): string {
  const { t } = ctx;
  const reset = directory.reset_scope !== 'none' ? html`<a href="${links.paths.reset(directory.slug)}">${t('sign_in_forgot')}</a>` : '';
  const body = html`<h1>${t('sign_up_already_registered_title')}</h1>
<p>${t('sign_up_already_registered', { email: view.email })}</p>
<div class="actions"><a class="button" href="${links.paths.signIn(directory.slug)}">${t('sign_up_go_sign_in')}</a></div>
<div class="links">${reset}</div>`;
  return renderSignUpFrame(ctx, directory, `${links.paths.signUp(directory.slug)}/${view.flowId}`, body);
}

/** State expired (and a completed flow revisited): nothing more happens here; start again. */
export function renderExpiredPage(ctx: PageContext, links: Links, directory: Directory, view: { flowId: string }): string {
  const { t } = ctx;
  const body = html`<h1>${t('sign_up_title')}</h1>
${errorBox(t('sign_up_expired'))}
<div class="actions"><a class="button" href="${links.paths.signUp(directory.slug)}">${t('sign_up_start_again')}</a></div>`;
  return renderSignUpFrame(ctx, directory, `${links.paths.signUp(directory.slug)}/${view.flowId}`, body);
}
