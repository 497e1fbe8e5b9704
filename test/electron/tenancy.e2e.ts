// Members and business admins see only their own business's runs; a system admin chooses what to see.
// The browser suite's scenarios (test/scenarios/tenancy.ts), in the built Electron app: preload and IPC, not HTTP.
import { tenancyScenarios } from '../scenarios/tenancy';
import { registerScenarios } from '../scenarios/index';
import { test } from './fixtures';

registerScenarios(test, tenancyScenarios, 'in the Electron app, ');
