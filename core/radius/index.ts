// The RADIUS codec: verify and decode requests, encode responses and our own requests, talk UDP.
export { CODE, type DropReason } from './codes.js';
export { peekHeader, type PacketHeader } from './packet-layout.js';
export { ensureDictionaries, type RadiusAttributes } from './dictionary.js';
export { decodeRequest, type RadiusRequest, type DecodeRequestOptions, type DecodeRequestResult } from './decode-request.js';
export { decryptUserPassword } from './user-password.js';
export { verifyChap, hasChap, computeChapResponse } from './chap.js';
export type { ReplyAttribute, AttributeValue } from './packet-writer.js';
export { encodeResponse, type RespondedRequest } from './encode-response.js';
export { encodeRequest, type EncodeRequestOptions, type EncodedRequest } from './encode-request.js';
export { decodeResponse, type DecodeResponseResult } from './decode-response.js';
export { RadiusClient, RadiusTimeoutError, type RadiusClientOptions, type RadiusReply } from './radius-client.js';
export {
  sendDynamicAuthorization,
  ERROR_CAUSE_NAMES,
  type DynamicAuthorizationOptions,
  type DynamicAuthorizationResult,
} from './dynamic-authorization.js';
export { combineGigawords, splitGigawords } from './gigawords.js';
