import type {
  AcceptedResponse,
  AUTH_MODE_HEADER,
  ChangeEmailDto,
  ChangePasswordDto,
  COOKIE_AUTH_MODE,
  CookieLoginResponse,
  CookieTokenResponse,
  DeleteAccountDto,
  ForgotPasswordDto,
  LoginDto,
  LoginResponse,
  MeResponse,
  ResetPasswordDto,
  SessionResponse,
  SignupDto,
  TokenResponse,
  UserResponse,
  VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { AuthError, errorFromResponse } from './auth-error';
import { memoryStorage, type TokenStorage } from './storage';

export type AuthMode = 'bearer' | 'cookie';

/** Bearer mode hands the refresh token to the app (and keeps it in `storage`); cookie mode never sees it. */
export type LoginResult<M extends AuthMode> = M extends 'cookie' ? CookieLoginResponse : LoginResponse;
export type RefreshResult<M extends AuthMode> = M extends 'cookie' ? CookieTokenResponse : TokenResponse;

/** Why the client became signed out: `logout` (asked for), `refresh-failed` or `session-revoked` (the server said so). */
export interface SignedOutEvent {
  reason: 'logout' | 'refresh-failed' | 'session-revoked';
  /** The server's answer that ended it; none for a logout. */
  error?: AuthError;
}

export type SignedOutListener = (event: SignedOutEvent) => void;

export interface AuthClientOptions<M extends AuthMode = AuthMode> {
  /** Where the gateway answers, e.g. `https://auth.example.com` (the routes are under `/api/auth`). */
  baseUrl: string;
  /** `bearer` (default): mobile, server and CLI clients. `cookie`: browsers; the refresh token stays in an HttpOnly cookie. */
  mode?: M;
  /** Bearer mode only: where the refresh token is kept. Default: memory. */
  storage?: TokenStorage;
  /** A `fetch` of your own (tests, a cookie jar in Node, instrumentation). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Called whenever the client becomes signed out; the same as `client.onSignedOut(listener)`. */
  onSignedOut?: SignedOutListener;
}

export interface AuthClient<M extends AuthMode = AuthMode> {
  readonly mode: M;
  signup(body: SignupDto): Promise<UserResponse>;
  login(body: LoginDto): Promise<LoginResult<M>>;
  /** Ends this session at the gateway (and clears the cookie in cookie mode); the client is signed out even if that fails. */
  logout(): Promise<void>;
  logoutAll(): Promise<void>;
  me(): Promise<MeResponse>;
  sessions(): Promise<SessionResponse[]>;
  endSession(sessionId: string): Promise<void>;
  changePassword(body: ChangePasswordDto): Promise<void>;
  /** A new address (needs the current password); a verification link is mailed to it. */
  changeEmail(body: ChangeEmailDto): Promise<AcceptedResponse>;
  /** The token of a verification link (no sign-in needed): answers the account with `emailVerified: true`. */
  verifyEmail(body: VerifyEmailDto): Promise<UserResponse>;
  /** Mails the verification link again. */
  resendVerification(): Promise<AcceptedResponse>;
  /** Asks for a reset link by `email` or `username` (no sign-in needed); the same answer whether or not one matched. */
  forgotPassword(body: ForgotPasswordDto): Promise<AcceptedResponse>;
  /** The token of a reset link and the new password (no sign-in needed); every session of the account ends. */
  resetPassword(body: ResetPasswordDto): Promise<void>;
  /** Deletes the account (needs the current password); the client is signed out. */
  deleteAccount(body: DeleteAccountDto): Promise<void>;
  /** New tokens now; calls running at the same time share one refresh request. */
  refresh(): Promise<RefreshResult<M>>;
  /** `fetch` with `Authorization: Bearer <access token>`, for any URL (your own services too); refreshes once on TOKEN_EXPIRED. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** True while the client holds an access token. */
  isSignedIn(): boolean;
  /** Returns a function that removes the listener. */
  onSignedOut(listener: SignedOutListener): () => void;
}

const AUTH_ROUTES = {
  signup: '/api/auth/signup',
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  logout: '/api/auth/logout',
  logoutAll: '/api/auth/logout-all',
  me: '/api/auth/me',
  sessions: '/api/auth/sessions',
  password: '/api/auth/password',
  email: '/api/auth/email',
  verifyEmail: '/api/auth/email/verify',
  resendVerification: '/api/auth/email/verify/resend',
  forgotPassword: '/api/auth/password/forgot',
  resetPassword: '/api/auth/password/reset',
  account: '/api/auth/account',
} as const;
// Typed against the gateway's constants, so a rename there breaks this build instead of the protocol.
const MODE_HEADER: typeof AUTH_MODE_HEADER = 'x-auth-mode';
const COOKIE_MODE: typeof COOKIE_AUTH_MODE = 'cookie';

type State = 'unknown' | 'signed-in' | 'signed-out';

class HttpAuthClient<M extends AuthMode> implements AuthClient<M> {
  readonly mode: M;
  private readonly baseUrl: string;
  private readonly storage: TokenStorage;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly listeners = new Set<SignedOutListener>();
  private accessToken: string | undefined;
  private state: State = 'unknown';
  private refreshing: Promise<RefreshResult<M>> | undefined;

  constructor(options: AuthClientOptions<M>) {
    this.mode = options.mode ?? ('bearer' as M);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.storage = options.storage ?? memoryStorage();
    // Never keep the global `fetch` unbound: browsers throw "Illegal invocation".
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    if (options.onSignedOut) this.listeners.add(options.onSignedOut);
  }

  async signup(body: SignupDto): Promise<UserResponse> {
    return json<UserResponse>(await this.send(AUTH_ROUTES.signup, 'POST', body));
  }

  async login(body: LoginDto): Promise<LoginResult<M>> {
    const result = await json<LoginResult<M>>(await this.send(AUTH_ROUTES.login, 'POST', body));
    await this.accept(result);
    return result;
  }

  logout(): Promise<void> {
    return this.endOwnSession(AUTH_ROUTES.logout);
  }

  logoutAll(): Promise<void> {
    return this.endOwnSession(AUTH_ROUTES.logoutAll);
  }

  async me(): Promise<MeResponse> {
    return json<MeResponse>(await this.authorized((token) => this.send(AUTH_ROUTES.me, 'GET', undefined, token)));
  }

  async sessions(): Promise<SessionResponse[]> {
    return json<SessionResponse[]>(
      await this.authorized((token) => this.send(AUTH_ROUTES.sessions, 'GET', undefined, token)),
    );
  }

  async endSession(sessionId: string): Promise<void> {
    const path = `${AUTH_ROUTES.sessions}/${encodeURIComponent(sessionId)}`;
    await empty(await this.authorized((token) => this.send(path, 'DELETE', undefined, token)));
  }

  async changePassword(body: ChangePasswordDto): Promise<void> {
    await empty(await this.authorized((token) => this.send(AUTH_ROUTES.password, 'POST', body, token)));
  }

  async changeEmail(body: ChangeEmailDto): Promise<AcceptedResponse> {
    return json<AcceptedResponse>(await this.authorized((token) => this.send(AUTH_ROUTES.email, 'POST', body, token)));
  }

  async verifyEmail(body: VerifyEmailDto): Promise<UserResponse> {
    return json<UserResponse>(await this.send(AUTH_ROUTES.verifyEmail, 'POST', body));
  }

  async resendVerification(): Promise<AcceptedResponse> {
    return json<AcceptedResponse>(
      await this.authorized((token) => this.send(AUTH_ROUTES.resendVerification, 'POST', {}, token)),
    );
  }

  async forgotPassword(body: ForgotPasswordDto): Promise<AcceptedResponse> {
    return json<AcceptedResponse>(await this.send(AUTH_ROUTES.forgotPassword, 'POST', body));
  }

  async resetPassword(body: ResetPasswordDto): Promise<void> {
    await empty(await this.send(AUTH_ROUTES.resetPassword, 'POST', body));
  }

  async deleteAccount(body: DeleteAccountDto): Promise<void> {
    await empty(await this.authorized((token) => this.send(AUTH_ROUTES.account, 'DELETE', body, token)));
    await this.signOut({ reason: 'logout' });
  }

  refresh(): Promise<RefreshResult<M>> {
    this.refreshing ??= this.requestNewTokens().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    return this.authorized((token) => {
      // A Request's body can be read once: each attempt sends a copy.
      const request = input instanceof Request ? input.clone() : input;
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set('authorization', `Bearer ${token}`);
      return this.fetchImpl(request, { ...init, headers });
    });
  }

  isSignedIn(): boolean {
    return this.accessToken !== undefined;
  }

  onSignedOut(listener: SignedOutListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends with the access token (getting one first if there is none, e.g. after a reload in cookie mode). On
   * TOKEN_EXPIRED: one refresh, shared with every call that is waiting for one, then one retry.
   */
  private async authorized(attempt: (token: string) => Promise<Response>): Promise<Response> {
    const token = await this.currentToken(undefined);
    const response = await attempt(token);
    if (response.status !== 401) return response;
    const error = await errorFromResponse(response.clone());
    if (error.code === 'TOKEN_EXPIRED') return attempt(await this.currentToken(token));
    if (error.code === 'SESSION_REVOKED') await this.signOut({ reason: 'session-revoked', error });
    return response;
  }

  /** The access token to use: the one held unless it is `stale` (or none is held), else a fresh one. */
  private async currentToken(stale: string | undefined): Promise<string> {
    // A call whose expired token was already replaced by a finished refresh just retries with the new one.
    if (this.accessToken !== undefined && this.accessToken !== stale) return this.accessToken;
    return (await this.refresh()).accessToken;
  }

  private async requestNewTokens(): Promise<RefreshResult<M>> {
    let response: Response;
    if (this.mode === 'cookie') {
      response = await this.send(AUTH_ROUTES.refresh, 'POST');
    } else {
      const refreshToken = await this.storage.get();
      if (!refreshToken) {
        const error = new AuthError('AUTHENTICATION_REQUIRED', 401, 'Not signed in: log in first');
        await this.signOut({ reason: 'refresh-failed', error });
        throw error;
      }
      response = await this.send(AUTH_ROUTES.refresh, 'POST', { refreshToken });
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      // 401 (unknown, expired, reused token) and 403 are final; a 429 or 5xx may pass: stay signed in.
      if (response.status === 401 || response.status === 403) await this.signOut({ reason: 'refresh-failed', error });
      throw error;
    }
    const result = (await response.json()) as RefreshResult<M>;
    await this.accept(result);
    return result;
  }

  private async accept(result: CookieTokenResponse | TokenResponse): Promise<void> {
    this.accessToken = result.accessToken;
    this.state = 'signed-in';
    if (this.mode === 'bearer' && 'refreshToken' in result) await this.storage.set(result.refreshToken);
  }

  private async endOwnSession(path: string): Promise<void> {
    try {
      await empty(await this.authorized((token) => this.send(path, 'POST', undefined, token)));
    } catch (error) {
      // Already over at the server (expired, revoked, refresh failed): nothing left to end.
      if (!(error instanceof AuthError && error.status === 401)) throw error;
    } finally {
      await this.signOut({ reason: 'logout' });
    }
  }

  private async signOut(event: SignedOutEvent): Promise<void> {
    this.accessToken = undefined;
    if (this.mode === 'bearer') await this.storage.remove();
    if (this.state === 'signed-out') return;
    this.state = 'signed-out';
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not turn into a failed call.
      }
    }
  }

  private async send(path: string, method: string, body?: object, accessToken?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken !== undefined) headers['authorization'] = `Bearer ${accessToken}`;
    if (this.mode === 'cookie') headers[MODE_HEADER] = COOKIE_MODE;
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Cross-origin, the browser stores and sends the refresh cookie only with credentials.
        credentials: this.mode === 'cookie' ? 'include' : 'same-origin',
      });
    } catch (error) {
      throw new AuthError('NETWORK_ERROR', 0, `Cannot reach ${this.baseUrl}`, undefined, { cause: error });
    }
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

async function empty(response: Response): Promise<void> {
  if (!response.ok) throw await errorFromResponse(response);
  await response.body?.cancel();
}

/** A client of the auth gateway. One per app (or per user in a server): it holds that user's tokens. */
export function createAuthClient<M extends AuthMode = 'bearer'>(options: AuthClientOptions<M>): AuthClient<M> {
  return new HttpAuthClient(options);
}
