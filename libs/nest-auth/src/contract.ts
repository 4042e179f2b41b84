// The token contract alone (no NestJS): what the platform's own contract library and clients re-export.
export * from './lib/contract/access-token';
export * from './lib/contract/jwks';
export * from './lib/contract/revocation-feed';
export * from './lib/contract/token-errors';
