// Error codes the server answers with. A client shows `message` to a person and branches on `code`.
export const ERROR_CODES = [
  'bad_json', // the frame was not JSON
  'bad_message', // JSON, but not a request envelope
  'too_large', // the frame exceeded MAX_MESSAGE_BYTES
  'unknown_type', // the request type does not exist
  'invalid_payload', // the request's data failed its schema
  'hello_first', // the connection has not said hello (with its protocol version) yet
  'version_mismatch', // the client speaks another protocol version than the server
  'not_joined', // the request needs a joined Space
  'already_joined', // a connection joins at most one Space
  'unauthenticated', // missing, forged or expired token or studio key
  'forbidden', // the actor's role may not do this
  'not_found', // the Space, transport, producer or consumer does not exist
  'space_ended', // the Space has ended
  'stage_full', // no room on the Stage for another speaker or co-host
  'conflict', // the request does not fit the current state (no raised hand, already on stage, …)
  'banned', // removed from this Space, or blocked by its host
  'ticket_required', // a ticketed Space: listening needs a paid ticket held by your signed-in account
  'rate_limited', // too many requests from this connection
  'media_error', // mediasoup refused the parameters
  'unavailable', // the node holding the Space cannot be reached now (several nodes); try again shortly
  'internal', // a bug on our side; logged with details
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** An error a handler throws to answer a request with a specific code. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
