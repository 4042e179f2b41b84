import {
  ERROR_STATUS,
  type ErrorCode,
  type FieldError,
  type HttpErrorBody,
  type RevokedSession,
} from '@nestjs-microservices/shared';

/** An error the gateway answers as it is: its code decides the status, its message is safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** Sent as the `Retry-After` header (429), never in the body. */
    readonly retryAfterSeconds?: number,
    /** Sessions the auth service ended with this error (REFRESH_TOKEN_REUSED): for the revocation list, never the body. */
    readonly endedSessions?: readonly RevokedSession[],
  ) {
    super(message);
  }

  toBody(): HttpErrorBody {
    const body: HttpErrorBody = { statusCode: ERROR_STATUS[this.code], code: this.code, message: this.message };
    return this.details ? { ...body, details: this.details } : body;
  }
}
