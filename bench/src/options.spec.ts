import { parseOptions, SCENARIOS, withBaselines } from './options';
import { join } from 'node:path';
import { appMain, ROOT } from './system';

describe('parseOptions', () => {
  it('has full-run defaults: 20 s after 5 s of warm-up, 50 connections, every scenario, SQLite over TCP', () => {
    expect(parseOptions([])).toEqual({
      durationS: 20,
      warmupS: 5,
      connections: 50,
      scenarios: [...SCENARIOS],
      quick: false,
      db: 'sqlite',
      transport: 'tcp',
      users: 200,
      growthCounts: [1_000, 100_000, 1_000_000],
      adminSearchUsers: 1_000_000,
      logLevel: 'log',
      outDir: 'bench/results',
      profile: false,
      build: 'auto',
      dist: 'dist',
      help: false,
    });
  });

  it('--dist runs the apps of another build as they are: never builds, and refuses --build', () => {
    expect(parseOptions(['--dist', 'tmp/dist-A'])).toMatchObject({ dist: 'tmp/dist-A', build: 'never' });
    expect(parseOptions(['--dist=/abs/dist-B', '--no-build'])).toMatchObject({ dist: '/abs/dist-B', build: 'never' });
    expect(() => parseOptions(['--dist', 'tmp/dist-A', '--build'])).toThrow('--dist runs a build as it is');
  });

  it('--quick shortens every scenario and the growth steps; explicit values still win', () => {
    expect(parseOptions(['--quick'])).toMatchObject({
      quick: true,
      durationS: 3,
      warmupS: 1,
      growthCounts: [1_000, 10_000],
      adminSearchUsers: 10_000,
    });
    expect(parseOptions(['--quick', '--duration', '7', '--growth=500,5000', '--users', '100'])).toMatchObject({
      durationS: 7,
      growthCounts: [500, 5_000],
    });
  });

  it('reads every option, as "--flag value" or "--flag=value"', () => {
    const options = parseOptions([
      '--duration=12.5',
      '--warmup',
      '0',
      '--connections',
      '10',
      '--db',
      'postgres',
      '--transport=nats',
      '--users',
      '300',
      '--log-level',
      'warn',
      '--out',
      'tmp/bench',
      '--profile',
      '--no-build',
    ]);
    expect(options).toMatchObject({
      durationS: 12.5,
      warmupS: 0,
      connections: 10,
      db: 'postgres',
      transport: 'nats',
      users: 300,
      logLevel: 'warn',
      outDir: 'tmp/bench',
      profile: true,
      build: 'never',
    });
  });

  it('adds the baselines the chosen scenarios are compared with, in run order', () => {
    expect(parseOptions(['--scenarios', 'login,me']).scenarios).toEqual([
      'baseline-http',
      'baseline-nest',
      'baseline-hash',
      'baseline-peer',
      'me',
      'login',
    ]);
    expect(withBaselines(['sessions'])).toEqual(['baseline-http', 'baseline-nest', 'sessions']);
    expect(parseOptions(['--scenarios', 'growth', '--users', '50']).scenarios).toEqual(['growth']);
    expect(withBaselines(['live-under-login'])).toEqual(['baseline-hash', 'live-under-login']);
  });

  it.each([
    [['--duration', '0'], /--duration must be a number ≥ 1/],
    [['--connections', '2.5'], /--connections must be a whole number/],
    [['--connections'], /--connections needs a value/],
    [['--scenarios', 'me,bogus'], /--scenarios must be one of .*not "bogus"/],
    [['--db', 'mysql'], /--db must be one of sqlite, postgres/],
    [['--transport', 'redis'], /--transport must be one of tcp, nats/],
    [['--log-level', 'info'], /--log-level must be one of/],
    [['--growth', '1000,500'], /--growth counts must increase/],
    [['--users', '10'], /--users \(10\) must be at least --connections \(50\)/],
    [['--users', '2000'], /must not exceed the first --growth count/],
    [['--build', '--no-build'], /exclude each other/],
    [['--quick=yes'], /--quick takes no value/],
    [['--verbose', '1'], /Unknown option --verbose/],
    [['stray'], /Unexpected argument "stray"/],
  ])('refuses %p', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });
});

describe('appMain', () => {
  it('finds each app under the dist directory, relative to the repository root or absolute', () => {
    expect(appMain('dist', 'auth-microservice')).toBe(join(ROOT, 'dist/apps/auth-microservice/main.js'));
    expect(appMain('/tmp/dist-B', 'api-gateway')).toBe('/tmp/dist-B/apps/api-gateway/main.js');
  });
});
