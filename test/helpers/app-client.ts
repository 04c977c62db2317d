// The artist app as a browser without scripts uses it, over HTTP: a cookie jar, pages fetched, and forms posted with
// the anti-forgery field read off the page they are on (as the browser sends it), from our origin.
import { type AxiosResponse } from 'axios';
import { http } from './release-stack';

export class AppClient {
  private readonly jar = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: AxiosResponse): AxiosResponse {
    for (const line of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value.join('=') === '') this.jar.delete(name!);
      else this.jar.set(name!, value.join('='));
    }
    return res;
  }

  private url(path: string) {
    return path.startsWith('http') ? path : `${this.baseUrl}${path}`;
  }

  async get(path: string): Promise<AxiosResponse<string>> {
    return this.keep(await http.get(this.url(path), { headers: { cookie: this.cookie }, responseType: 'text' }));
  }

  /** Posts `fields` as a form (with `csrf` as given, or none). */
  async postRaw(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.keep(
      await http.post<string>(this.url(path), new URLSearchParams(fields).toString(), {
        headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        responseType: 'text',
      }),
    );
  }

  /** Opens `page`, then posts the form whose action is `action` with `fields` and the page's anti-forgery field. */
  async submit(page: string, action: string, fields: Record<string, string> = {}) {
    const opened = await this.get(page);
    const csrf = csrfOf(opened.data, action);
    if (!csrf) throw new Error(`no form for ${action} on ${page} (status ${opened.status})`);
    return this.postRaw(action, { csrf, ...fields });
  }

  /** The session's X-CSRF-Token for /v1 writes from the app (the value of the page's forms). */
  async csrfToken(): Promise<string> {
    const page = await this.get('/app/settings');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.data)?.[1];
    if (!csrf) throw new Error(`no session (settings answered ${page.status})`);
    return csrf;
  }
}

/** The anti-forgery field of the form posting to `action` in `html`. */
export function csrfOf(html: string, action: string): string | undefined {
  const escaped = action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const form = new RegExp(`<form[^>]*action="${escaped}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  return form ? /name="csrf" value="([^"]+)"/.exec(form)?.[1] : undefined;
}
