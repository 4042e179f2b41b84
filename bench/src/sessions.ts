/** A logged-in user: the tokens of one session. */
export interface Session {
  username: string;
  accessToken: string;
  refreshToken: string;
}

/** The password of every bench user (seeded or signed up): long and not a common one. */
export const BENCH_PASSWORD = 'bench-password-not-common-42';

export const JSON_HEADERS = { 'content-type': 'application/json' };

export function loginBody(username: string): string {
  return JSON.stringify({ username, password: BENCH_PASSWORD });
}

async function login(baseUrl: string, username: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: loginBody(username),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`login of ${username} answered ${response.status}: ${text}`);
  const body = JSON.parse(text) as { accessToken: string; refreshToken: string };
  return { username, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** Logs every user in through the gateway, `concurrency` at a time; one session each, in the order given. */
export async function loginAll(baseUrl: string, usernames: readonly string[], concurrency = 8): Promise<Session[]> {
  const sessions: Session[] = new Array<Session>(usernames.length);
  let next = 0;
  const worker = async () => {
    while (next < usernames.length) {
      const index = next++;
      sessions[index] = await login(baseUrl, usernames[index] ?? '');
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, usernames.length) }, worker));
  return sessions;
}

/** `<prefix>0` … `<prefix><count-1>`, the names `users:seed` gives. */
export function seededNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}
