/**
 * `GET /api/auth/revocations?since=<cursor>` at the gateway (bearer REVOCATION_FEED_TOKEN): the sessions revoked
 * since `cursor` (all whose access tokens may still be valid when there is no cursor, or one the gateway no
 * longer knows), and the cursor to send next time.
 */
export interface RevocationFeedResponse {
  cursor: string;
  sessionIds: string[];
}
