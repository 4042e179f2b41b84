/** The `ClientProxy` the gateway uses to reach the auth service. */
export const AUTH_SERVICE = 'AUTH_SERVICE';
