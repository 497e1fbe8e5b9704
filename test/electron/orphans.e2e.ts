// The orphan wizards: a system admin adopts a server-edition file, assigns some orphans, deletes the rest.
// The browser suite's scenarios (test/scenarios/orphans.ts), in the built Electron app: preload and IPC, not HTTP.
import { orphanScenarios } from '../scenarios/orphans';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, orphanScenarios, 'in the Electron app, ');
