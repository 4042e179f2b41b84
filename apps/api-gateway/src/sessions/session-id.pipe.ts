import { Injectable, type PipeTransform } from '@nestjs/common';
import { ERROR_CODES, ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { isUUID } from 'class-validator';
import { ApiError } from '../common/api-error';

/**
 * A session id in a path. Anything that is not a UUID (the rule `EndSessionDto` applies) cannot be one of the
 * caller's sessions: 404 SESSION_NOT_FOUND, as for an unknown one, without asking the auth service.
 */
@Injectable()
export class SessionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) throw new ApiError(ERROR_CODES.SESSION_NOT_FOUND, ERROR_MESSAGES.SESSION_NOT_FOUND);
    return value;
  }
}
