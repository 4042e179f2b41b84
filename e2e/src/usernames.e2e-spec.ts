/**
 * Usernames cannot impersonate each other (UTS #39): invisible characters, variation selectors, lone combining
 * marks and mixed scripts are refused at sign-up, and a name whose confusable skeleton is already taken is refused
 * as taken. Through the gateway over HTTP, with the database read directly to prove nothing was stored.
 */
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { startSystem, type TestSystem } from './support/system';
import { countUsers, readUserRows } from './support/user-store';

const PASSWORD = 'Tr0ub4dor-staple-Kettle';

/** Refused as invalid (400): the name itself breaks a rule, whatever else exists. */
const INVALID_LOOK_ALIKES: ReadonlyArray<[label: string, username: string]> = [
  ['alice + U+034F COMBINING GRAPHEME JOINER (default-ignorable)', 'alice\u034F'],
  ['Cyrillic а (U+0430) + Latin lice (mixed scripts)', '\u0430lice'],
  ['a + U+200B ZERO WIDTH SPACE + lice', 'a\u200Blice'],
  ['alice + U+FE0F VARIATION SELECTOR-16', 'alice\uFE0F'],
  ['a lone combining mark after a digit', 'alice1\u0301'],
];

/** Refused as taken (409): a valid name whose skeleton is that of an existing one. */
const TAKEN_LOOK_ALIKES: ReadonlyArray<[label: string, username: string]> = [
  ['ALİCE (U+0130, Turkish dotted capital I)', 'AL\u0130CE'],
  ['Cyrillic сосо (whole-script look-alike of coco)', '\u0441\u043E\u0441\u043E'],
];

/** Refused as taken because it is alice's own name after case folding (ı upper-cases to I): it logs alice in. */
const ALICE_BY_CASE_FOLDING = 'al\u0131ce';

/** Real names in several scripts: none of them may be caught by the rules. */
const GOOD_NAMES = ['José', 'Zoë', 'Ελένη', 'Дмитрий', '山田太郎', 'やまだ_太郎', 'user_01.x', 'İlker'];

describe('usernames cannot impersonate each other', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    system = await startSystem({ suite: 'usernames', authEnv: { LOGIN_THROTTLE_THRESHOLD: '1000' } });
    expectSignedUp(await sys().http.signup({ username: 'alice', password: PASSWORD }), 'alice');
    expectSignedUp(await sys().http.signup({ username: 'coco', password: PASSWORD }), 'coco');
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it.each(INVALID_LOOK_ALIKES)('%s → 400 VALIDATION_FAILED on username, nothing stored', async (_label, username) => {
    const before = await countUsers(sys().database);
    const error = expectError(await sys().http.signup({ username, password: PASSWORD }), 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual([{ field: 'username', messages: expect.any(Array) }]);
    expect(await countUsers(sys().database)).toBe(before);
    expect(await readUserRows(sys().database, username)).toEqual([]);
  });

  it.each([...TAKEN_LOOK_ALIKES, ['dotless ı (U+0131)', ALICE_BY_CASE_FOLDING]])(
    '%s → 409 USERNAME_TAKEN, nothing stored',
    async (_label, username) => {
      const before = await countUsers(sys().database);
      expectError(await sys().http.signup({ username, password: PASSWORD }), 409, 'USERNAME_TAKEN');
      expect(await countUsers(sys().database)).toBe(before);
      expect(await readUserRows(sys().database, username)).toEqual([]);
    },
  );

  it('each refusal names its reason', async () => {
    const messageOf = async (username: string) =>
      expectError(await sys().http.signup({ username, password: PASSWORD }), 400, 'VALIDATION_FAILED').details?.[0]
        ?.messages;
    expect(await messageOf('a\u200Blice')).toContainEqual(expect.stringMatching(/invisible/));
    expect(await messageOf('alice\uFE0F')).toContainEqual(expect.stringMatching(/variation selector/));
    expect(await messageOf('\u0430lice')).toContainEqual(expect.stringMatching(/one script/));
  });

  it('a look-alike never logs into the account it imitates; alice and coco still log in', async () => {
    for (const [, username] of [...INVALID_LOOK_ALIKES, ...TAKEN_LOOK_ALIKES]) {
      expectError(await sys().http.login({ username, password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    }
    expectLoggedIn(await sys().http.login({ username: 'alice', password: PASSWORD }), 'alice');
    expectLoggedIn(await sys().http.login({ username: 'ALICE', password: PASSWORD }), 'alice');
    expectLoggedIn(await sys().http.login({ username: ALICE_BY_CASE_FOLDING, password: PASSWORD }), 'alice');
    expectLoggedIn(await sys().http.login({ username: 'coco', password: PASSWORD }), 'coco');
  });

  it.each(GOOD_NAMES)('%p signs up and logs in', async (username) => {
    expectSignedUp(await sys().http.signup({ username, password: PASSWORD }), username);
    expectLoggedIn(await sys().http.login({ username, password: PASSWORD }), username);
  });
});
