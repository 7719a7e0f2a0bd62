import http from 'node:http';

// The load generator's browser: one keep-alive connection pool, a cookie jar and the page's CSRF token,
// over node:http rather than fetch so the client spends as little of the machine's CPU as it can.

export interface Response {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export class BenchClient {
  private readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(private readonly base: URL) {}

  request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Response> {
    const body = form ? new URLSearchParams({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...form }).toString() : undefined;
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.base.hostname, port: this.base.port, method, path, headers, agent }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const pair = line.split(';')[0] ?? '';
          const eq = pair.indexOf('=');
          this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string>): Promise<Response> {
    return this.request('POST', path, form);
  }
}

export function expectStatus(response: Response, ...allowed: number[]): Response {
  if (!allowed.includes(response.status)) throw new Error(`unexpected status ${response.status}: ${response.body.slice(0, 200)}`);
  return response;
}
