import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';

/** Lets a route (or every route of a controller) through without an access token; all others need one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
