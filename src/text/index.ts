// Public surface of text/: mail -> clean text, PII masking, tokenising and feature hashing.
export * from './normalize.js';
export * from './pii.js';
export * from './features.js';
