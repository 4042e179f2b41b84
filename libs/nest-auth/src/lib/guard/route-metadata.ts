import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type RouteMetadata<T> = (context: ExecutionContext) => T | undefined;

/**
 * A reader of one `SetMetadata` key of the route being served (the handler's value, else its controller's), looked
 * up once per handler instead of on every request: decorators cannot change after start-up, and reflect-metadata's
 * lookups were a visible share of the gateway's per-request CPU.
 */
export function routeMetadata<T>(key: string): RouteMetadata<T> {
  const reflector = new Reflector();
  // By controller, then handler: a handler inherited by two controllers may have different class-level values.
  const cache = new WeakMap<object, WeakMap<object, { value: T | undefined }>>();
  return (context) => {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = cache.get(controller);
    if (!byHandler) cache.set(controller, (byHandler = new WeakMap()));
    let entry = byHandler.get(handler);
    if (!entry) {
      entry = { value: reflector.getAllAndOverride<T | undefined>(key, [handler, controller]) };
      byHandler.set(handler, entry);
    }
    return entry.value;
  };
}
