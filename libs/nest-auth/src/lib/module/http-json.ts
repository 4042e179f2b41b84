/** GETs `url` and parses its JSON; any answer but a 2xx, or none within `timeoutMs`, rejects. */
export async function getJson(url: string, timeoutMs: number, bearerToken?: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: {
      accept: 'application/json',
      ...(bearerToken !== undefined && { authorization: `Bearer ${bearerToken}` }),
    },
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
  }
  return response.json();
}
