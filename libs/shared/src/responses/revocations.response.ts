/** A session that ended while access tokens for it may still be unexpired. */
export interface RevokedSession {
  sessionId: string;
  /** After this (ISO-8601) no access token of the session can be valid any more: forget it. */
  until: string;
}

/** `auth.revocations`: sessions revoked since the `since` asked for (or all whose tokens may still be alive). */
export interface RevocationsResponse {
  /** The auth service's clock when it read the list: send it back (minus a margin) as the next `since`. */
  serverTime: string;
  revoked: RevokedSession[];
}
