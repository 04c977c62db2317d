// Conversions API payloads: contact details hashed as Meta specifies, against known SHA-256 test vectors (the
// expected digests were computed independently with sha256sum, see docs/providers/meta.md).
import {
  capiUserData,
  hashEmail,
  hashPhone,
  normaliseEmail,
  normalisePhone,
} from '../../lib/providers/meta-conversions';

const JOHN = '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'; // sha256("john_smith@gmail.com")
const TEST = '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b'; // sha256("test@example.com")
const PHONE = 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'; // sha256("16505551212")
const FR_PHONE = '8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661'; // sha256("33612345678")

describe('Conversions API hashing', () => {
  it('normalises e-mail (trim, lowercase) before SHA-256', () => {
    expect(normaliseEmail(' John_Smith@gmail.com ')).toBe('john_smith@gmail.com');
    expect(hashEmail(' John_Smith@gmail.com ')).toBe(JOHN);
    expect(hashEmail('TEST@example.com')).toBe(TEST);
    expect(hashEmail('test@example.com')).toBe(TEST);
  });

  it('keeps only the digits of a phone number, country code included, no leading zeros', () => {
    expect(normalisePhone('+1 (650) 555-1212')).toBe('16505551212');
    expect(hashPhone('+1 (650) 555-1212')).toBe(PHONE);
    expect(hashPhone('+33 6 12 34 56 78')).toBe(FR_PHONE);
    expect(hashPhone('0033612345678')).toBe(FR_PHONE);
  });

  it('builds user_data with hashed contacts and unhashed browser identifiers', () => {
    const userData = capiUserData({
      email: ' John_Smith@gmail.com ',
      phone: '+1 (650) 555-1212',
      fbc: 'fb.1.1554763741205.AbCdEf',
      fbp: 'fb.1.1558571054389.1098115397',
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 test',
    });
    expect(userData).toEqual({
      em: [JOHN],
      ph: [PHONE],
      fbc: 'fb.1.1554763741205.AbCdEf',
      fbp: 'fb.1.1558571054389.1098115397',
      client_ip_address: '203.0.113.9',
      client_user_agent: 'Mozilla/5.0 test',
    });
    // Without contact details: no em/ph keys at all (never empty or unhashed values).
    expect(capiUserData({ ip: '::1', userAgent: 'UA' })).toEqual({ client_ip_address: '::1', client_user_agent: 'UA' });
  });
});
