/**
 * Every validation rule of the HTTP API, the error shape of each refusal, and that refused
 * requests leave nothing behind.
 */
import {
  expectError,
  expectLoggedIn,
  expectNoSecretsIn,
  expectSignedUp,
  expectValidationError,
} from './support/contract';
import type { HttpMethod } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { countUsers, readUserRows } from './support/user-store';

const VALID_PASSWORD = 'Vq9-plinth-Orbit-77';
const PASSWORD_7 = 'Xk7#qPz';
const PASSWORD_8 = 'Zr8$wQ1m';
const PASSWORD_128 = 'Lm4!'.repeat(32);
const PASSWORD_129 = `${PASSWORD_128}x`;
const USERNAME_64 = `u${'x'.repeat(62)}9`;
const USERNAME_65 = `${USERNAME_64}z`;

/** Passwords distinctive enough that finding them in a response can only mean a leak. */
const SECRETS = [
  VALID_PASSWORD,
  PASSWORD_7,
  PASSWORD_8,
  PASSWORD_128,
  PASSWORD_129,
  'qwertyuiop',
  'iloveyou',
  '12345678',
];

type Body = Record<string, unknown>;

interface RefusedSignup {
  label: string;
  body: Body;
  fields: string[];
}

/** Usernames that are fine: the request is refused for another field. Each must stay available. */
const usernamesRefusedForOtherReasons: string[] = [];
/** Usernames that are refused themselves, and short enough to try logging in with. */
const refusedUsernames = [
  'ab',
  '  ab  ',
  'a b',
  'bob!',
  'al/ice',
  'x@y.z',
  '<script>',
  '\u{1F600}\u{1F600}\u{1F600}',
  'tab\tname',
];

function refusedFor(field: string, label: string, value: unknown, otherFields: Body): RefusedSignup {
  return { label: `${field} ${label}`, body: { ...otherFields, [field]: value }, fields: [field] };
}

let usernameCounter = 0;
/** A fresh, valid username for a case whose username is not what is being tested. */
function freshUsername(prefix: string): string {
  usernameCounter += 1;
  const name = `${prefix}_${usernameCounter}`;
  usernamesRefusedForOtherReasons.push(name);
  return name;
}

const WRONG_TYPES: Array<[string, unknown]> = [
  ['a number', 424242],
  ['an array', ['abcdefgh']],
  ['an object', { value: 'abcdefgh' }],
  ['null', null],
  ['a boolean', true],
];

const signupRefusals: RefusedSignup[] = [
  { label: 'missing username', body: { password: VALID_PASSWORD }, fields: ['username'] },
  { label: 'missing password', body: { username: freshUsername('missing_pw') }, fields: ['password'] },
  { label: 'empty object', body: {}, fields: ['username', 'password'] },
  ...WRONG_TYPES.map(([label, value]) => refusedFor('username', `is ${label}`, value, { password: VALID_PASSWORD })),
  ...WRONG_TYPES.map(([label, value]) =>
    refusedFor('password', `is ${label}`, value, { username: freshUsername('pw_type') }),
  ),
  {
    label: 'unknown field "role"',
    body: { username: freshUsername('extra'), password: VALID_PASSWORD, role: 'admin' },
    fields: ['role'],
  },
  {
    label: 'unknown fields "isAdmin" and "id"',
    body: { username: freshUsername('extra'), password: VALID_PASSWORD, isAdmin: true, id: 'x' },
    fields: ['isAdmin', 'id'],
  },
  refusedFor('username', 'is empty', '', { password: VALID_PASSWORD }),
  refusedFor('username', 'is only spaces', '     ', { password: VALID_PASSWORD }),
  refusedFor('username', 'has 2 characters', 'ab', { password: VALID_PASSWORD }),
  refusedFor('username', 'has 2 characters after trimming', '  ab  ', { password: VALID_PASSWORD }),
  refusedFor('username', 'has 65 characters', USERNAME_65, { password: VALID_PASSWORD }),
  ...refusedUsernames
    .filter((name) => name.trim().length >= 3)
    .map((name) =>
      refusedFor('username', `has a disallowed character (${JSON.stringify(name)})`, name, {
        password: VALID_PASSWORD,
      }),
    ),
  refusedFor('password', 'is empty', '', { username: freshUsername('pw_empty') }),
  refusedFor('password', 'has 7 characters', PASSWORD_7, { username: freshUsername('pw_short') }),
  refusedFor('password', 'has 129 characters', PASSWORD_129, { username: freshUsername('pw_long') }),
  ...['password', 'PASSWORD', 'Password', '12345678', 'qwertyuiop', 'iloveyou', 'ILOVEYOU'].map((common) =>
    refusedFor('password', `is a common password (${common})`, common, { username: freshUsername('pw_common') }),
  ),
  { label: 'both fields invalid', body: { username: 'ab', password: PASSWORD_7 }, fields: ['username', 'password'] },
];

interface RefusedLogin {
  label: string;
  body: Body;
  fields: string[];
}

const loginRefusals: RefusedLogin[] = [
  { label: 'missing username', body: { password: VALID_PASSWORD }, fields: ['username'] },
  { label: 'missing password', body: { username: 'someone' }, fields: ['password'] },
  { label: 'empty object', body: {}, fields: ['username', 'password'] },
  ...WRONG_TYPES.map(([label, value]) => refusedFor('username', `is ${label}`, value, { password: VALID_PASSWORD })),
  ...WRONG_TYPES.map(([label, value]) => refusedFor('password', `is ${label}`, value, { username: 'someone' })),
  {
    label: 'unknown field "remember"',
    body: { username: 'someone', password: VALID_PASSWORD, remember: true },
    fields: ['remember'],
  },
  refusedFor('username', 'is empty', '', { password: VALID_PASSWORD }),
  refusedFor('password', 'is empty', '', { username: 'someone' }),
  refusedFor('username', 'has 65 characters', USERNAME_65, { password: VALID_PASSWORD }),
  refusedFor('password', 'has 129 characters', PASSWORD_129, { username: 'someone' }),
];

describe('validation of the HTTP API', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let acceptedSignups = 0;

  beforeAll(async () => {
    system = await startSystem({ suite: 'validation' });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  describe('POST /api/auth/signup refuses with 400 VALIDATION_FAILED naming the field', () => {
    it.each(signupRefusals.map((c) => [c.label, c] as const))('%s', async (_label, refusal) => {
      const response = await sys().http.signup(refusal.body);
      expectValidationError(response, refusal.fields);
    });
  });

  describe('POST /api/auth/signup accepts the boundaries', () => {
    it.each([
      ['a 3-character username', 'abc', 'abc', VALID_PASSWORD],
      ['a 64-character username', USERNAME_64, USERNAME_64, VALID_PASSWORD],
      ['a username with surrounding spaces (stored trimmed)', '  bob_1  ', 'bob_1', VALID_PASSWORD],
      ['a username of letters, digits, ".", "_" and "-"', 'J.Doe_2-x', 'J.Doe_2-x', VALID_PASSWORD],
      ['an 8-character password', 'pw_eight', 'pw_eight', PASSWORD_8],
      ['a 128-character password', 'pw_max', 'pw_max', PASSWORD_128],
    ])('%s → 201', async (_label, submitted, stored, password) => {
      const response = await sys().http.signup({ username: submitted, password });
      expectSignedUp(response, stored);
      acceptedSignups += 1;
      const login = await sys().http.login({ username: stored, password });
      expectLoggedIn(login, stored);
    });
  });

  describe('POST /api/auth/login refuses malformed input with 400 VALIDATION_FAILED', () => {
    it.each(loginRefusals.map((c) => [c.label, c] as const))('%s', async (_label, refusal) => {
      const response = await sys().http.login(refusal.body);
      expectValidationError(response, refusal.fields);
    });
  });

  describe('POST /api/auth/login is looser than sign-up: these are well-formed, so 401 INVALID_CREDENTIALS', () => {
    it.each([
      ['a 2-character username and a 7-character password', { username: 'ab', password: PASSWORD_7 }],
      ['a username with disallowed characters', { username: 'bob!', password: VALID_PASSWORD }],
      ['a common password', { username: 'someone', password: 'password' }],
      ['a 1-character password', { username: 'someone', password: 'x' }],
    ])('%s', async (_label, body) => {
      expectError(await sys().http.login(body), 401, 'INVALID_CREDENTIALS');
    });
  });

  describe('request bodies that are not a JSON object', () => {
    it.each([
      ['truncated JSON', '{"username": "abc",'],
      ['a lone brace', '{'],
      ['plain text', 'not json at all'],
      ['single-quoted JSON', "{'username': 'abc', 'password': 'whatever-123'}"],
      ['a trailing comma', '{"username": "abc", "password": "whatever-123",}'],
    ])('malformed JSON (%s) → 400 MALFORMED_JSON on signup and login', async (_label, raw) => {
      expectError(await sys().http.request('POST', '/api/auth/signup', { rawBody: raw }), 400, 'MALFORMED_JSON');
      expectError(await sys().http.request('POST', '/api/auth/login', { rawBody: raw }), 400, 'MALFORMED_JSON');
    });

    it.each([
      ['an array', []],
      ['a string', 'username'],
      ['null', null],
      ['a number', 42],
    ])('a JSON body that is %s → 400 with the standard error shape', async (_label, json) => {
      for (const path of ['/api/auth/signup', '/api/auth/login']) {
        const response = await sys().http.request('POST', path, { json });
        expectError(response, 400, ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BAD_REQUEST']);
      }
    });

    it('a body over 16 KB → 413 PAYLOAD_TOO_LARGE on signup and login', async () => {
      const body = { username: 'big_body', password: 'y'.repeat(20_000) };
      expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(16 * 1024);
      expectError(await sys().http.signup(body), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await sys().http.login(body), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('a body just under 16 KB is read (and refused for its content, not its size)', async () => {
      const body = { username: 'big_body', password: 'y'.repeat(15_000) };
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(16_000);
      expectValidationError(await sys().http.signup(body), ['password']);
    });
  });

  describe('unknown routes → 404 NOT_FOUND with the standard shape', () => {
    it.each<[HttpMethod, string]>([
      ['GET', '/api/does-not-exist'],
      ['POST', '/api/auth/unknown'],
      ['GET', '/not-under-the-prefix'],
      ['GET', '/api/auth/login'],
      ['DELETE', '/api/auth/signup'],
    ])('%s %s', async (method, path) => {
      const response = await sys().http.request(method, path);
      expectError(response, 404, 'NOT_FOUND');
    });
  });

  describe('refused requests leave nothing behind', () => {
    it('refused usernames do not exist: logging in with them gives 401, and the database has no row', async () => {
      for (const username of refusedUsernames) {
        const response = await sys().http.login({ username, password: VALID_PASSWORD });
        expectError(response, 401, 'INVALID_CREDENTIALS');
        expect({ username, rows: (await readUserRows(sys().database, username)).length }).toEqual({
          username,
          rows: 0,
        });
      }
      expect({ username: USERNAME_65, rows: (await readUserRows(sys().database, USERNAME_65)).length }).toEqual({
        username: USERNAME_65,
        rows: 0,
      });
    });

    it('valid usernames refused for another field were not created: signing them up now → 201', async () => {
      expect(usernamesRefusedForOtherReasons.length).toBeGreaterThan(5);
      for (const username of usernamesRefusedForOtherReasons) {
        expect({ username, rows: (await readUserRows(sys().database, username)).length }).toEqual({
          username,
          rows: 0,
        });
        expectError(await sys().http.login({ username, password: VALID_PASSWORD }), 401, 'INVALID_CREDENTIALS');
        const response = await sys().http.signup({ username, password: VALID_PASSWORD });
        expectSignedUp(response, username);
        acceptedSignups += 1;
      }
    });

    it('the database holds exactly the accepted sign-ups', async () => {
      expect(await countUsers(sys().database)).toBe(acceptedSignups);
    });
  });

  it('no response body of this suite contained a submitted password or an argon2 hash', () => {
    expect(sys().http.history.length).toBeGreaterThan(50);
    expectNoSecretsIn(sys().http.history, SECRETS);
  });
});
