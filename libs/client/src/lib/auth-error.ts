import type { ErrorCode, FieldError } from '@nestjs-microservices/shared';

/**
 * What the client adds to the contract's codes: the server could not be reached (`status` 0), or it answered
 * something that is not the contract's error shape (`status` is the HTTP status).
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

/** Every failure of an `AuthClient` call: the gateway's error body (`code`, `status`, `message`, `details`). */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    readonly status: number,
    message: string,
    readonly details?: FieldError[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `AuthError` of a non-2xx response, from its JSON body `{ statusCode, code, message, details? }`. */
export async function errorFromResponse(response: Response): Promise<AuthError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isRecord(body) && typeof body['code'] === 'string' && typeof body['message'] === 'string') {
    const details = Array.isArray(body['details']) ? (body['details'] as FieldError[]) : undefined;
    return new AuthError(body['code'] as ErrorCode, response.status, body['message'], details);
  }
  return new AuthError('UNEXPECTED_RESPONSE', response.status, `HTTP ${response.status} without an error body`);
}
