import { z } from 'zod';
import { ConfigError, loadConfig } from './env';
import { integer, port } from './env-schema';

const schema = z.object({ PORT: port(3000), RETRIES: integer(3, 0, 10) });

describe('loadConfig', () => {
  it('applies defaults when variables are unset', () => {
    expect(loadConfig(schema, {}, '')).toEqual({ PORT: 3000, RETRIES: 3 });
  });

  it('coerces numbers from strings', () => {
    expect(loadConfig(schema, { PORT: '8080', RETRIES: '0' }, '')).toEqual({ PORT: 8080, RETRIES: 0 });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '' }, 'PORT'],
    [{ RETRIES: '1.5' }, 'RETRIES'],
  ])('names the variable that is wrong: %j', (env, name) => {
    expect(() => loadConfig(schema, env, '')).toThrow(ConfigError);
    expect(() => loadConfig(schema, env, '')).toThrow(new RegExp(`^Invalid configuration: ${name}: `));
  });
});
