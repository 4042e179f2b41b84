import { emailKey, normalizeEmail } from './email';

describe('normalizeEmail', () => {
  it('trims and lower-cases the domain only', () => {
    expect(normalizeEmail('  Alice.Smith@Example.COM \n')).toBe('Alice.Smith@example.com');
  });

  it('leaves a string without @ trimmed (the validator refuses it)', () => {
    expect(normalizeEmail(' nobody ')).toBe('nobody');
  });

  it('splits on the last @', () => {
    expect(normalizeEmail('"a@b"@EXAMPLE.org')).toBe('"a@b"@example.org');
  });
});

describe('emailKey', () => {
  it('is the same for addresses that differ only in letter case', () => {
    expect(emailKey('ALICE@example.com')).toBe(emailKey(' alice@EXAMPLE.com'));
  });
});
