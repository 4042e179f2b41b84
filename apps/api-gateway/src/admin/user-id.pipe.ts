import { Injectable, type PipeTransform } from '@nestjs/common';
import { ERROR_CODES, ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { isUUID } from 'class-validator';
import { ApiError } from '../common/api-error';

/** A user id in a path: anything that is not a UUID is no user's id (404 USER_NOT_FOUND, without asking). */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) throw new ApiError(ERROR_CODES.USER_NOT_FOUND, ERROR_MESSAGES.USER_NOT_FOUND);
    return value;
  }
}
