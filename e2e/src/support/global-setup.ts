import { reapLeftoverChildren } from './pid-registry';

/** Before the run: kill app processes a crashed earlier run left behind. */
export default function globalSetup(): void {
  const killed = reapLeftoverChildren();
  if (killed.length) {
    process.stderr.write(
      `\n[e2e] killed ${killed.length} app process(es) left over by an earlier run: ${killed.join(', ')}\n`,
    );
  }
}
