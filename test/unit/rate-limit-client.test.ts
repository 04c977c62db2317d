// The client a rate limit counts: an IPv4 address as it is, an IPv6 address as its /64 (one host holds a whole /64,
// so counting single IPv6 addresses would let one attacker be 2^64 clients).
import { clientKey } from '../../api/rate-limit';

describe('clientKey', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6, and folds IPv6 to its /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:DB8:1:2::ffff')).toBe(clientKey('2001:db8:1:2:1:2:3:4'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
