import { createParamDecorator } from '@nestjs/common';
import { requestContext } from '@nestjs-microservices/runtime';
import type { RequestMeta } from '@nestjs-microservices/shared';

/**
 * The `meta` of the message being handled, as `RpcCallTracker` validated it and put it in the
 * request context (handlers run inside it), so it is not validated a second time by the pipe.
 */
export const Meta = createParamDecorator((): RequestMeta => {
  const meta = requestContext.getStore();
  if (!meta) throw new Error('@Meta() used outside a message handled through RpcCallTracker');
  return meta;
});
