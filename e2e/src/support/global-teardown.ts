import { reapLeftoverChildren } from './pid-registry';

/** After the run: every suite should have stopped its processes; kill and report any it did not. */
export default function globalTeardown(): void {
  const killed = reapLeftoverChildren();
  if (killed.length) {
    throw new Error(
      `[e2e] ${killed.length} app process(es) were still running after the suites: ${killed.join(', ')} (killed)`,
    );
  }
}
