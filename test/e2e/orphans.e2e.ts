// The orphan wizards: a system admin adopts a server-edition file, assigns some orphans, deletes the rest.
// The scenarios live in test/scenarios/orphans.ts; here they run in Chromium against the in-process HTTP shell.
import { orphanScenarios } from '../scenarios/orphans';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, orphanScenarios);
