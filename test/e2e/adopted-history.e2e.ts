// Adopted history as it is: the first screen's outcomes, suggested assignments, the orphan list's filters, an
// unfinished run. The scenarios live in test/scenarios/adopted-history.ts; here they run in Chromium.
import { adoptedHistoryScenarios } from '../scenarios/adopted-history';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, adoptedHistoryScenarios);
