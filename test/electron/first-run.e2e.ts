// There is no default password: on a new database the app asks for the first system administrator.
// The browser suite's scenarios (test/scenarios/first-run.ts), in the built Electron app: preload and IPC, not HTTP.
import { firstRunScenarios } from '../scenarios/first-run';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, firstRunScenarios, 'in the Electron app, ');
