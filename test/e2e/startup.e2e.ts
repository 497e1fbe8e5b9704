// The startup screen decides what happens to a file before anything else is served.
// The scenarios live in test/scenarios/startup.ts; here they run in Chromium against the in-process HTTP shell.
import { startupScenarios } from '../scenarios/startup';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, startupScenarios);
