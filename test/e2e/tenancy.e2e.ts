// Members and business admins see only their own business's runs; a system admin chooses what to see.
// The scenarios live in test/scenarios/tenancy.ts; here they run in Chromium against the in-process HTTP shell.
import { tenancyScenarios } from '../scenarios/tenancy';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, tenancyScenarios);
