import { parentPort } from 'node:worker_threads';
import { checkMetadata, type MetadataRules } from './check.js';

/**
 * The worker side of `MetadataChecker` (checker.ts): one check per message, the upload's bytes transferred
 * in, the result posted back. It holds nothing between messages.
 */
parentPort?.on('message', (message: { id: number; bytes: Uint8Array; rules: MetadataRules }) => {
  parentPort?.postMessage({ id: message.id, result: checkMetadata(message.bytes, message.rules) });
});
