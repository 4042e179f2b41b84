import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import { routeMetadata } from './route-metadata';

export const IS_PUBLIC = 'auth:public';

/** Lets a route or message handler (or every one of a controller) through without an access token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** True when the handler being served is `@Public()`. */
export const isPublicRoute = (context: ExecutionContext): boolean => publicMark(context) === true;
const publicMark = routeMetadata<boolean>(IS_PUBLIC);
