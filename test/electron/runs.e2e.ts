// Triggering, watching, cancelling and retrying a run, with the real runner behind the UI.
// The browser suite's scenarios (test/scenarios/runs.ts), in the built Electron app: preload and IPC, not HTTP.
import { runScenarios } from '../scenarios/runs';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, runScenarios, 'in the Electron app, ');
