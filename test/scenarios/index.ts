// A scenario: a title and a body that runs against any launcher. Each suite's thin wrapper files register
// them as tests (registerScenarios), so the browser and Electron suites run the same steps by the same name.
import { type AppLauncher } from './app';

export type Scenario = (launcher: AppLauncher) => Promise<void>;
export type Scenarios = Readonly<Record<string, Scenario>>;

type TestFn = (title: string, body: (fixtures: { launcher: AppLauncher }) => Promise<void>) => void;

export function registerScenarios(test: TestFn, scenarios: Scenarios, titlePrefix = ''): void {
  for (const [title, run] of Object.entries(scenarios)) test(`${titlePrefix}${title}`, ({ launcher }) => run(launcher));
}
