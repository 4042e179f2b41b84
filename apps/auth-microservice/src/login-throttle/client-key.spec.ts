import { clientKey, UNKNOWN_CLIENT } from './client-key';

describe('clientKey (whose throttle counter an attempt counts on)', () => {
  it('keys an IPv4 address as itself', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it.each([
    ['2001:db8:7:9::1', '2001:db8:7:9::/64'],
    ['2001:0DB8:0007:0009:abcd:1:2:3', '2001:db8:7:9::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1:2::/64'],
  ])('keys the IPv6 address %s by its /64: %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('gives every address of one /64 the same key, and another /64 another', () => {
    expect(clientKey('2001:db8:7:9:ffff:ffff:ffff:ffff')).toBe(clientKey('2001:db8:7:9::'));
    expect(clientKey('2001:db8:7:a::1')).not.toBe(clientKey('2001:db8:7:9::1'));
  });

  it.each(['::ffff:192.0.2.200', '::FFFF:c000:02c8', '0:0:0:0:0:ffff:192.0.2.200'])(
    'keys the IPv4-mapped address %s as its IPv4 address',
    (address) => {
      expect(clientKey(address)).toBe('192.0.2.200');
    },
  );

  it('does not take an IPv4-compatible or NAT64 address for a mapped one', () => {
    expect(clientKey('::c000:2c8')).toBe('0:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.200')).toBe('64:ff9b:0:0::/64');
  });

  it('keeps a client without an address, or with something else, apart', () => {
    expect(clientKey(undefined)).toBe(UNKNOWN_CLIENT);
    expect(clientKey('')).toBe(UNKNOWN_CLIENT);
    expect(clientKey('not-an-address')).toBe('not-an-address');
  });
});
