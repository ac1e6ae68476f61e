// The request types of the captions feature, for the handler file that serves them.
import type { RequestType } from './protocol.js';

export type CaptionRequest = Extract<RequestType, `captions.${string}`>;
