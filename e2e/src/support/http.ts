export interface HttpResponse {
  /** The request that got this response, for checks over `HttpClient.history`. */
  method: HttpMethod;
  /** The path as sent (with its query string). */
  path: string;
  status: number;
  /** The parsed JSON body, or `undefined` when the body is empty or not JSON. */
  body: unknown;
  /** The raw body text. */
  text: string;
  headers: Headers;
  /** Time from sending the request to having read the whole body. */
  durationMs: number;
}

export interface RequestOptions {
  /** Sent as JSON (`JSON.stringify`) with `content-type: application/json`. */
  json?: unknown;
  /** Sent as-is; `content-type` defaults to `application/json`. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * A minimal client on top of `fetch`. Every response is also appended to `history`, so a suite can
 * check afterwards what it was ever sent back (e.g. that no body contains a password).
 */
export class HttpClient {
  readonly history: HttpResponse[] = [];

  constructor(readonly baseUrl: string) {}

  async request(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | Uint8Array | undefined;
    if ('json' in options) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.rawBody !== undefined) {
      body = typeof options.rawBody === 'string' ? options.rawBody : new Uint8Array(options.rawBody);
      headers['content-type'] ??= 'application/json';
    }
    const started = performance.now();
    // Never `new URL(path, base)`: a path starting with `//` would name another host.
    if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`path must start with a single "/": ${path}`);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    const durationMs = performance.now() - started;
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
    }
    const result: HttpResponse = {
      method,
      path,
      status: response.status,
      body: parsed,
      text,
      headers: response.headers,
      durationMs,
    };
    this.history.push(result);
    return result;
  }

  get(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, json: unknown, options: Omit<RequestOptions, 'json'> = {}): Promise<HttpResponse> {
    return this.request('POST', path, { ...options, json });
  }

  signup(body: unknown, options?: Omit<RequestOptions, 'json'>): Promise<HttpResponse> {
    return this.post('/api/auth/signup', body, options);
  }

  login(body: unknown, options?: Omit<RequestOptions, 'json'>): Promise<HttpResponse> {
    return this.post('/api/auth/login', body, options);
  }

  /** `POST /api/auth/refresh {refreshToken}` (a public route: no access token). */
  refresh(refreshToken: unknown, options?: Omit<RequestOptions, 'json'>): Promise<HttpResponse> {
    return this.post('/api/auth/refresh', { refreshToken }, options);
  }

  /** `GET /api/auth/me` with `Authorization: Bearer <accessToken>`. */
  me(accessToken: string, options: Omit<RequestOptions, 'json'> = {}): Promise<HttpResponse> {
    return this.get('/api/auth/me', withBearer(accessToken, options));
  }

  /** A request to a protected route with `Authorization: Bearer <accessToken>`. */
  authed(method: HttpMethod, path: string, accessToken: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(method, path, withBearer(accessToken, options));
  }
}

/** `Authorization: Bearer <token>` added to the request options. */
export function withBearer<T extends RequestOptions>(accessToken: string, options: T): T {
  return { ...options, headers: { ...options.headers, authorization: `Bearer ${accessToken}` } };
}

/** For error messages: status and (truncated) body of a response. */
export function describeResponse(response: HttpResponse): string {
  const text = response.text.length > 500 ? `${response.text.slice(0, 500)}…` : response.text;
  return `${response.method} ${response.path} → HTTP ${response.status} ${text}`;
}
