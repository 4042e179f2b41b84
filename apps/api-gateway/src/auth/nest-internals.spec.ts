import { ClientNats, ClientProxy } from '@nestjs/microservices';

/**
 * AuthNatsClient replaces ClientNats's `publish` (one `request()` per call instead of a subscription per call) and
 * uses its protected `normalizePattern`, `serializer` and `deserializer` (and the public `connect`, `unwrap`). Each is
 * pinned here, so that a NestJS upgrade that renames or reshapes one fails by name instead of breaking every call
 * over NATS at run time. On such a failure, re-read ClientNats in node_modules/@nestjs/microservices and adapt.
 */
describe('NestJS internals the gateway NATS client relies on', () => {
  it('is NestJS 11: on another major, re-check every pin below', () => {
    const { version } = jest.requireActual<{ version: string }>('@nestjs/microservices/package.json');
    expect(version).toMatch(/^11\./);
  });

  it('ClientNats: publish(packet, callback), connect(), unwrap(), normalizePattern(pattern)', () => {
    const arity = (name: string) => {
      const member: unknown = (ClientNats.prototype as unknown as Record<string, unknown>)[name];
      return typeof member === 'function' ? member.length : 'missing';
    };
    expect(['publish', 'connect', 'unwrap', 'normalizePattern'].map(arity)).toEqual([2, 0, 0, 1]);
    expect(Object.getPrototypeOf(ClientNats.prototype)).toBe(ClientProxy.prototype);
  });

  it('ClientNats: unwrap() throws until connected; serializer and deserializer are set by the constructor', () => {
    expect(() => new ClientNats({}).unwrap()).toThrow('Not initialized');
    const client = new ClientNats({}) as unknown as Record<string, unknown>;
    expect(typeof (client['serializer'] as { serialize?: unknown }).serialize).toBe('function');
    expect(typeof (client['deserializer'] as { deserialize?: unknown }).deserialize).toBe('function');
  });

  it('ClientProxy: normalizePattern leaves a string pattern as it is', () => {
    const client = new ClientNats({}) as unknown as { normalizePattern(pattern: string): string };
    expect(client.normalizePattern('auth.login')).toBe('auth.login');
  });
});
