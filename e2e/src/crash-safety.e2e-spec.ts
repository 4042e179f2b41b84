/**
 * No acknowledged write is lost: 20 clients sign up as fast as they can while the auth service is
 * killed with SIGKILL and restarted, twice. Every 201 must survive, no refused sign-up may exist, and
 * a sign-up cut off by the crash either happened or not — repeating it answers 201 or 409.
 */
import { HttpClient, type HttpResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const CLIENTS = 20;
const RUN_MS = 6_000;
const KILL_AT_MS = [1_500, 3_500];
const PASSWORD = 'Crash-Proof-Secret-5';

type Outcome = 'created' | 'refused' | 'cut off';

function outcomeOf(response: HttpResponse | Error): Outcome {
  if (response instanceof Error || response.status >= 500) return 'cut off';
  if (response.status === 201) return 'created';
  return 'refused';
}

describe('crash safety of sign-up', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    system = await startSystem({ suite: 'crash-safety' });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('keeps signing up while the auth service is killed with SIGKILL and restarted twice', async () => {
    const started = performance.now();
    const running = () => performance.now() - started < RUN_MS;
    const client = async (index: number): Promise<void> => {
      const http = new HttpClient(sys().baseUrl);
      for (let n = 0; running(); n++) {
        const username = `crash_${index}_${n}`;
        const response = await http
          .signup({ username, password: PASSWORD })
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        const outcome = outcomeOf(response);
        outcomes.set(username, outcome);
        // While the service is down every call fails in milliseconds: no need to spin.
        if (outcome === 'cut off') await sleep(100);
      }
    };
    const crashes = (async () => {
      for (const at of KILL_AT_MS) {
        await sleep(at - (performance.now() - started));
        await sys().auth.kill();
        await sys().auth.start();
      }
    })();

    await Promise.all([crashes, ...Array.from({ length: CLIENTS }, (_, index) => client(index))]);

    const count = (outcome: Outcome) => [...outcomes.values()].filter((value) => value === outcome).length;
    // The test only means something if sign-ups were acknowledged and cut off around the crashes.
    expect(count('created')).toBeGreaterThan(50);
    expect(count('cut off')).toBeGreaterThan(0);
    expect(count('refused')).toBe(0);
  });

  it('every acknowledged sign-up can log in', async () => {
    const created = [...outcomes].filter(([, outcome]) => outcome === 'created').map(([username]) => username);
    const failures: string[] = [];
    for (const username of created) {
      const response = await sys().http.login({ username, password: PASSWORD });
      if (response.status !== 200) failures.push(`${username}: ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('a sign-up cut off by a crash answers 201 or 409 when repeated, never an error', async () => {
    const cutOff = [...outcomes].filter(([, outcome]) => outcome === 'cut off').map(([username]) => username);
    const statuses = new Map<number, number>();
    for (const username of cutOff) {
      const { status } = await sys().http.signup({ username, password: PASSWORD });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].filter((status) => status !== 201 && status !== 409)).toEqual([]);
  });
});
