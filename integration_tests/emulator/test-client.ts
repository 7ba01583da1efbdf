// A plain fetch-based client for the emulator tests: form-encodes bodies the way Stripe's SDKs do.
import qs from 'qs';

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const testKey = 'sk_test_emulator';

export function encodeForm(body: Record<string, unknown>): string {
  return qs.stringify(body, { arrayFormat: 'indices', encodeValuesOnly: true });
}

export function client(baseUrl: string, key: string = testKey) {
  const call = async (method: string, path: string, init: { form?: Record<string, unknown>; raw?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}`, ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form || init.raw !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = init.raw ?? encodeForm(init.form!);
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    post: (path: string, form: Record<string, unknown> = {}, headers: Record<string, string> = {}) => call('POST', path, { form, headers }),
    get: (path: string, headers: Record<string, string> = {}) => call('GET', path, { headers }),
    del: (path: string, headers: Record<string, string> = {}) => call('DELETE', path, { headers }),
  };
}

/** Creates an object and returns its id; throws with Stripe's error body when the emulator refuses it. */
export async function createId(api: ReturnType<typeof client>, path: string, form: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const r = await api.post(path, form, headers);
  if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}
