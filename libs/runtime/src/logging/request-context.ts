import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  clientIp?: string;
  userAgent?: string;
}

/** The request being served, for log lines written anywhere below its handler. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
