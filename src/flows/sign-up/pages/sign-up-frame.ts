import type { Html } from '../../../http/html.ts';
import { renderPage } from '../../../http/layout.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import { pageBrand } from '../../../http/page-brand.ts';

/** Every sign-up page: the directory's frame, titled for sign-up, language links back to this page. */
export function renderSignUpFrame(ctx: PageContext, directory: Directory, path: string, body: Html): string {
  return renderPage({ locale: ctx.locale, title: ctx.t('sign_up_title'), brand: pageBrand(directory), path, t: ctx.t, offered: ctx.offered }, body);
}
