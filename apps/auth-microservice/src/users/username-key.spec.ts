import { usernameKey } from './username-key';

describe('usernameKey', () => {
  it.each([
    ['Alice', 'alice'],
    ['ALICE', 'alice'],
    ['aLiCe', 'alice'],
    ['ÉLODIE', 'élodie'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['ａｌｉｃｅ', 'alice'],
    ['Ａｌｉｃｅ', 'alice'],
    ['ﬁona', 'fiona'],
    ['E\u0301lodie', 'élodie'],
  ])('%p → %p', (username, key) => {
    expect(usernameKey(username)).toBe(key);
  });

  it.each([
    ['straße', 'STRASSE'],
    ['straße', 'strasse'],
    ['ΟΔΟΣ', 'οδος'],
    ['οδοσ', 'οδος'],
    ['ǅemal', 'DŽEMAL'],
    ['ＡＬＩＣＥ', 'alice'],
  ])('%p and %p share a key', (a, b) => {
    expect(usernameKey(a)).toBe(usernameKey(b));
  });

  it.each([
    ['alice', 'alicia'],
    ['alice', 'alice1'],
    ['a.b', 'a_b'],
    ['ivan', 'іvan'],
  ])('%p and %p stay distinct', (a, b) => {
    expect(usernameKey(a)).not.toBe(usernameKey(b));
  });

  it.each(['Straße', 'ΟΔΟΣ', 'ＡＢＣ', 'ǅemal', 'İstanbul'])('is idempotent for %p', (username) => {
    expect(usernameKey(usernameKey(username))).toBe(usernameKey(username));
  });
});
