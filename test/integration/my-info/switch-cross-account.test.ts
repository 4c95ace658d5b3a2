import { describeCrossAccountSwitch } from './switch-cross-account.suite.js';

describeCrossAccountSwitch('memory');
