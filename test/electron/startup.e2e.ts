// The startup screen decides what happens to a file before anything else is served.
// The browser suite's scenarios (test/scenarios/startup.ts), in the built Electron app: preload and IPC, not HTTP.
import { startupScenarios } from '../scenarios/startup';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, startupScenarios, 'in the Electron app, ');
