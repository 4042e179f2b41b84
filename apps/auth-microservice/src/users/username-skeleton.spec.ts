import { usernameSkeleton } from './username-skeleton';

describe('usernameSkeleton (UTS #39 confusable skeleton of the case-folded name)', () => {
  it.each([
    ['alice', 'ALICE'],
    ['alice', 'AL\u0130CE'],
    ['alice', 'ali\u0307ce'],
    ['alice', 'al\u0131ce'],
    ['alice', '\u0430lice'],
    ['alice', '\u0251lice'],
    ['alice', 'alice'.normalize('NFKC')],
    ['coco', '\u0441\u043E\u0441\u043E'],
    ['paypal', '\u0440\u0430\u0443\u0440\u0430l'],
    ['user1', 'userl'],
    ['rnary', 'mary'],
    ['xo', '\u0445\u03BF'],
    ['jim', '\u0458im'],
  ])('%p and %p share a skeleton', (a, b) => {
    expect(usernameSkeleton(b)).toBe(usernameSkeleton(a));
  });

  it.each([
    ['alice', 'alicia'],
    ['alice', 'alce'],
    ['a.b', 'a_b'],
    ['José', 'Jose'],
    ['Zoë', 'Zoe'],
    ['Ελένη', 'Ελενη'],
    ['Дмитрий', 'Дмитрии'],
    ['山田太郎', '山田次郎'],
  ])('%p and %p stay distinct', (a, b) => {
    expect(usernameSkeleton(a)).not.toBe(usernameSkeleton(b));
  });

  it.each(['alice', 'José', 'Ελένη', 'Дмитрий', '山田太郎', 'user_01.x'])('is NFD and stable for %p', (username) => {
    const skeleton = usernameSkeleton(username);
    expect(skeleton).toBe(skeleton.normalize('NFD'));
    expect(usernameSkeleton(username)).toBe(skeleton);
  });
});
