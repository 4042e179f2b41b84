/**
 * The key that makes usernames unique regardless of case. Upper- then lower-casing approximates
 * Unicode full case folding (`ß` and `SS` meet at `ss`, final sigma at `σ`); the DTO has already
 * applied NFKC, applied again because case mapping can leave a string unnormalised.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
