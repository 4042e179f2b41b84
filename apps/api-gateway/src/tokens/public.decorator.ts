import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import { routeMetadata } from '../common/route-metadata';

export const IS_PUBLIC = 'auth:public';

/** Lets a route (or every route of a controller) through without an access token; all others need one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** True when the route being served is `@Public()`. */
export const isPublicRoute = (context: ExecutionContext): boolean => publicMark(context) === true;
const publicMark = routeMetadata<boolean>(IS_PUBLIC);
