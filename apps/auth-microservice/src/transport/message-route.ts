/** A pattern as this service names its messages ('auth.login'): a plain string, never JSON. */
const PLAIN_PATTERN = /^[A-Za-z][\w.:-]*$/;
/** The only plain-looking strings that JSON.parse accepts: they keep Nest's own handling. */
const JSON_LITERALS = new Set(['true', 'false', 'null']);

/**
 * The handler route of an incoming pattern. Nest's `getRouteFromPattern` first tries `JSON.parse` on every pattern,
 * so a plain one like 'auth.login' throws a SyntaxError (stack trace included) on every message, all of it wasted
 * work (docs/performance.md). A plain pattern is its own route, exactly as Nest would compute it; anything else goes to `nest`.
 */
export function routeOfPattern(pattern: string, nest: (pattern: string) => string): string {
  return PLAIN_PATTERN.test(pattern) && !JSON_LITERALS.has(pattern) ? pattern : nest(pattern);
}
