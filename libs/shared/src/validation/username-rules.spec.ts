import { USERNAME_RULE_MESSAGES, usernameProblem } from './username-rules';

describe('usernameProblem (UTS #39 rules for sign-up)', () => {
  it.each([
    'alice',
    'José',
    'Zoë',
    'Ελένη',
    'Дмитрий',
    '山田太郎',
    'やまだたろう',
    'ヤマダ',
    '山田たろう',
    '김철수',
    'user_01.x',
    'J.Doe_2-x',
    'İlker',
    'Nguyễn',
    'Nguye\u0323\u0302n',
    'राम',
    'সুমন',
    'สมชาย',
    'שרה',
    'محمد',
    'محمد٣٤٥',
    'Ნინო',
    'Արամ',
    'ラーメン',
    '12345',
    'a.b-c_d',
  ])('accepts %p', (username) => {
    expect(usernameProblem(username.normalize('NFKC'))).toBeUndefined();
  });

  it.each([
    ['U+FE0F variation selector-16', 'alice\uFE0F', 'variationSelector'],
    ['U+FE00 variation selector-1', 'al\uFE00ice', 'variationSelector'],
    ['U+E0100 variation selector-17', 'alice\u{E0100}', 'variationSelector'],
    ['U+180B Mongolian free variation selector', 'alice\u180B', 'variationSelector'],
    ['U+034F combining grapheme joiner', 'alice\u034F', 'invisible'],
    ['U+200B zero width space', 'a\u200Blice', 'invisible'],
    ['U+200D zero width joiner', 'al\u200Dice', 'invisible'],
    ['U+00AD soft hyphen', 'al\u00ADice', 'invisible'],
    ['U+2060 word joiner', 'alice\u2060', 'invisible'],
    ['U+3164 Hangul filler (a letter, but invisible)', 'alice\u3164', 'invisible'],
    ['U+115F Hangul choseong filler', '\u115Falice', 'invisible'],
    ['U+FEFF byte order mark', '\uFEFFalice', 'invisible'],
    ['a mark at the start', '\u0301alice', 'loneMark'],
    ['a mark on a digit', 'alice1\u0301', 'loneMark'],
    ['a mark on "."', 'a.\u0301b', 'loneMark'],
    ['a mark on "_"', 'a_\u0308b', 'loneMark'],
    ['a Devanagari vowel sign on a Latin letter', 'ab\u093Fc', 'loneMark'],
    ['a Hebrew point on a Latin letter', 'ab\u05B4c', 'loneMark'],
    ['the same mark twice', 'a\u0301\u0301lice', 'stackedMarks'],
    ['five marks on one letter', 'a\u0300\u0301\u0302\u0303\u0304lice', 'stackedMarks'],
    ['Cyrillic а + Latin lice', '\u0430lice', 'mixedScripts'],
    ['Latin + Greek omicron', 'g\u03BFogle', 'mixedScripts'],
    ['Latin + Han', 'taro山田', 'mixedScripts'],
    ['Hiragana + Hangul', 'たろ김', 'mixedScripts'],
    ['Arabic-Indic digits with Latin letters', '٣٤٥abc', 'mixedScripts'],
    ['Cherokee (not a recommended script)', '\u13AA\u13B4\u13A1', 'script'],
    ['a letter of no script (modifier letter vertical line)', 'o\u02C8brien', 'script'],
  ] as const)('refuses %s', (_label, username, rule) => {
    expect(usernameProblem(username.normalize('NFKC'))).toBe(USERNAME_RULE_MESSAGES[rule]);
  });
});
