// Adopted history as it is (test/scenarios/adopted-history.ts), in the built Electron app: preload and IPC, not HTTP.
import { adoptedHistoryScenarios } from '../scenarios/adopted-history';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, adoptedHistoryScenarios, 'in the Electron app, ');
