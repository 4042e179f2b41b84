import { ServerTCP } from '@nestjs/microservices';
import { AUTH_EVENTS, AUTH_PATTERNS } from '@nestjs-microservices/shared';
import { routeOfPattern } from './message-route';

/** Nest's own answer, for comparison. */
class NestRoutes extends ServerTCP {
  route(pattern: string): string {
    return this.getRouteFromPattern(pattern);
  }
}
const nestRoutes = new NestRoutes({});
const nest = (pattern: string) => nestRoutes.route(pattern);

describe('routeOfPattern', () => {
  const ours = [...Object.values(AUTH_PATTERNS), ...Object.values(AUTH_EVENTS)];

  it('gives every pattern of the contract the route Nest gives it, without asking Nest', () => {
    const fallback = jest.fn(nest);
    for (const pattern of ours) expect(routeOfPattern(pattern, fallback)).toBe(nest(pattern));
    expect(fallback).not.toHaveBeenCalled();
  });

  it.each(['{"cmd":"auth.login"}', '{"b":1,"a":"x"}', '"auth.login"', '42', 'true', 'null', 'false', '[1,2]', ''])(
    'leaves %p to Nest, and answers as Nest does',
    (pattern) => {
      const fallback = jest.fn(nest);
      expect(routeOfPattern(pattern, fallback)).toBe(nest(pattern));
      expect(fallback).toHaveBeenCalledWith(pattern);
    },
  );

  it('treats names that are not JSON as their own route, as Nest does', () => {
    for (const pattern of ['auth.unknown', 'x', 'a:b-c_d.e']) expect(routeOfPattern(pattern, nest)).toBe(nest(pattern));
  });
});
