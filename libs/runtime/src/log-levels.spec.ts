import { LOG_LEVELS } from './env-schema';
import { nestLogLevels } from './log-levels';

describe('nestLogLevels', () => {
  it.each([
    ['fatal', ['fatal']],
    ['error', ['fatal', 'error']],
    ['warn', ['fatal', 'error', 'warn']],
    ['log', ['fatal', 'error', 'warn', 'log']],
    ['debug', ['fatal', 'error', 'warn', 'log', 'debug']],
    ['verbose', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('%s enables itself and every more severe level', (level, expected) => {
    expect(nestLogLevels(level)).toEqual(expected);
  });

  it('does not hand out the shared LOG_LEVELS array', () => {
    const levels = nestLogLevels('verbose');
    levels.pop();

    expect(LOG_LEVELS).toHaveLength(6);
  });
});
