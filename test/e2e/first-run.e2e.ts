// There is no default password: on a new database the app asks for the first system administrator.
// The scenarios live in test/scenarios/first-run.ts; here they run in Chromium against the in-process HTTP shell.
import { firstRunScenarios } from '../scenarios/first-run';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, firstRunScenarios);
