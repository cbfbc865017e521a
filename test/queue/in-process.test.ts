import { queueContract } from './contract.js';

queueContract('in-process');
