// A browser-shaped HTTP client for end-to-end tests: keeps cookies, follows redirects when asked, and
// fills the CSRF token of the last page into the next form, as a browser submitting the form would.

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  readonly setCookies: string[];
}

export class FormClient {
  readonly cookies = new Map<string, string>();
  last: Page | undefined;

  constructor(readonly baseUrl: string, readonly defaultHeaders: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private absorb(response: Response): string[] {
    const set = response.headers.getSetCookie();
    for (const line of set) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return set;
  }

  async request(method: string, path: string, options: { body?: string | FormData; headers?: Record<string, string>; follow?: boolean } = {}): Promise<Page> {
    let url = new URL(path, this.baseUrl).href;
    let currentMethod = method;
    let body = options.body;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(url, {
        method: currentMethod,
        redirect: 'manual',
        headers: {
          ...this.defaultHeaders,
          // FormData sets its own multipart content type, with the boundary.
          ...(typeof body === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
          ...options.headers,
        },
        ...(body !== undefined ? { body } : {}),
      });
      const setCookies = this.absorb(response);
      const text = await response.text();
      const location = response.headers.get('location');
      if (options.follow !== false && location && response.status >= 300 && response.status < 400) {
        url = new URL(location, url).href;
        currentMethod = 'GET';
        body = undefined;
        continue;
      }
      this.last = { status: response.status, url, headers: response.headers, body: text, setCookies };
      return this.last;
    }
    throw new Error('too many redirects');
  }

  get(path: string, options: { headers?: Record<string, string>; follow?: boolean } = {}): Promise<Page> {
    return this.request('GET', path, options);
  }

  /** Posts a form; `_csrf` comes from the last page unless given. Arrays become repeated fields. */
  post(path: string, fields: Record<string, string | string[]>, options: { headers?: Record<string, string>; follow?: boolean } = {}): Promise<Page> {
    const params = new URLSearchParams();
    const csrf = fields._csrf ?? (this.last ? csrfToken(this.last.body) : undefined);
    if (csrf !== undefined && !('_csrf' in fields)) params.append('_csrf', String(csrf));
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    return this.request('POST', path, { ...options, body: params.toString() });
  }

  /** Posts a multipart form, as a form with a file input does; `_csrf` as for post(). */
  postMultipart(path: string, fields: Record<string, string>, files: Record<string, { bytes: Buffer; name: string; type?: string }> = {}, options: { follow?: boolean } = {}): Promise<Page> {
    const form = new FormData();
    const csrf = fields._csrf ?? (this.last ? csrfToken(this.last.body) : undefined);
    if (csrf !== undefined && !('_csrf' in fields)) form.append('_csrf', csrf);
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    for (const [key, file] of Object.entries(files)) form.append(key, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    return this.request('POST', path, { ...options, body: form });
  }
}

/** The same browser (cookies, last page) carried on to another instance, as a load balancer would. */
export function sameBrowserOn(client: FormClient, baseUrl: string): FormClient {
  const moved = new FormClient(baseUrl, client.defaultHeaders);
  for (const [name, value] of client.cookies) moved.cookies.set(name, value);
  moved.last = client.last;
  return moved;
}

export function csrfToken(body: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
}

/** The `action` of the first form on a page whose submit button has the given text. */
export function formAction(body: string, buttonText?: string): string {
  const forms = body.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = buttonText ? forms.find((f) => f.includes(buttonText)) : forms[0];
  const action = form && /action="([^"]*)"/.exec(form)?.[1];
  if (!action) throw new Error(`no form${buttonText ? ` with "${buttonText}"` : ''} on the page`);
  return action.replace(/&amp;/g, '&');
}

/** Text content with tags removed and whitespace folded, for asserting what a person reads. */
export function visibleText(body: string): string {
  return body
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ')
    .trim();
}
