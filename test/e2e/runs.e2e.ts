// Triggering, watching, cancelling and retrying a run, with the real runner behind the UI.
// The scenarios live in test/scenarios/runs.ts; here they run in Chromium against the in-process HTTP shell.
import { runScenarios } from '../scenarios/runs';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, runScenarios);
