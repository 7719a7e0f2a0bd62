import type { Html } from '../../../http/html.ts';
import { renderPage } from '../../../http/layout.ts';
import type { PageContext } from '../../../http/request-context.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { ResetPaths } from './reset-paths.ts';
import { pageBrand } from '../../../http/page-brand.ts';

/** What every reset page is drawn from: the request's language and CSRF token, the directory, its URLs. */
export interface ResetPageContext {
  readonly page: PageContext;
  readonly directory: Directory;
  readonly paths: ResetPaths;
  /** The current path without its query, for the language links. */
  readonly path: string;
}

export function renderResetPage(ctx: ResetPageContext, title: string, body: Html): string {
  return renderPage({ locale: ctx.page.locale, title, brand: pageBrand(ctx.directory), path: ctx.path, t: ctx.page.t, offered: ctx.page.offered }, body);
}
