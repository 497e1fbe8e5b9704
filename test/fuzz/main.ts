// npm run test:fuzz [-- --requests N] [--seed S]: a long round of the contract fuzz (test/fuzz/fuzz.ts). Prints its
// figures and every failure; exits 1 when any promise broke.
import { figuresReport, runFuzz } from './fuzz';

function flag(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number above 0, got ${process.argv[at + 1]}`);
  return value;
}

const requests = flag('requests') ?? Number(process.env.FUZZ_REQUESTS ?? 5000);
const seed = flag('seed');
void runFuzz({
  requests,
  seed,
  onFailure: (failure) => console.log(`FAIL ${failure.rule}: ${failure.channel} as ${failure.caller} (${failure.kind}) ${failure.input}\n  ${failure.detail}`),
}).then((figures) => {
  console.log(figuresReport(figures));
  process.exitCode = figures.failures.length > 0 ? 1 : 0;
});
