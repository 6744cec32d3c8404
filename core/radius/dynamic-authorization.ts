import { AppError } from '../errors.js';
import { CODE } from './codes.js';
import { ATTRIBUTE, listAttributes, valueOf } from './packet-layout.js';
import type { ReplyAttribute } from './packet-writer.js';
import { RadiusClient, type RadiusReply } from './radius-client.js';

/** Error-Cause values (RFC 5176 §3.6): 2xx success, 4xx the request's fault, 5xx the NAS's. */
export const ERROR_CAUSE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  201: 'Residual-Context-Removed',
  202: 'Invalid-EAP-Packet',
  401: 'Unsupported-Attribute',
  402: 'Missing-Attribute',
  403: 'NAS-Identification-Mismatch',
  404: 'Invalid-Request',
  405: 'Unsupported-Service',
  406: 'Unsupported-Extension',
  407: 'Invalid-Attribute-Value',
  501: 'Administratively-Prohibited',
  502: 'Proxy-Request-Not-Routable',
  503: 'Session-Context-Not-Found',
  504: 'Session-Context-Not-Removable',
  505: 'Proxy-Processing-Error',
  506: 'Resources-Unavailable',
  507: 'Request-Initiated',
  508: 'Multiple-Session-Selection-Unsupported',
});

export interface DynamicAuthorizationOptions {
  host: string;
  /** The router's `/radius incoming` port: 3799 on current RouterOS, 1700 on v2.9/v3. */
  port: number;
  secret: string;
  kind: 'disconnect' | 'coa';
  attributes: ReplyAttribute[];
  timeoutMs: number;
  /** Retransmissions after the first attempt; default 2. */
  retries?: number;
}

export interface DynamicAuthorizationResult {
  result: 'ack' | 'nak' | 'timeout';
  errorCause?: number;
  errorCauseName?: string;
}

const ACK_CODES: ReadonlySet<number> = new Set([CODE.DISCONNECT_ACK, CODE.COA_ACK]);

function readErrorCause(raw: Buffer): number | undefined {
  const span = listAttributes(raw).find((candidate) => candidate.type === ATTRIBUTE.ERROR_CAUSE && candidate.length === 6);
  return span ? valueOf(raw, span).readUInt32BE(0) : undefined;
}

/** Any verified answer other than an ACK counts as a NAK. */
function interpretReply(reply: RadiusReply): DynamicAuthorizationResult {
  if (ACK_CODES.has(reply.code)) return { result: 'ack' };
  const errorCause = readErrorCause(reply.raw);
  if (errorCause === undefined) return { result: 'nak' };
  const errorCauseName = ERROR_CAUSE_NAMES[errorCause];
  return errorCauseName ? { result: 'nak', errorCause, errorCauseName } : { result: 'nak', errorCause };
}

/**
 * Sends an RFC 5176 Disconnect-Request or CoA-Request (signed, with a Message-Authenticator) to a
 * router and waits for its ACK or NAK. 'timeout' means no verified answer: no reply in time, or the
 * datagram could not be sent (no route to the router). Throws AppError('RADIUS_ENCODE') for bad attributes.
 */
export async function sendDynamicAuthorization(options: DynamicAuthorizationOptions): Promise<DynamicAuthorizationResult> {
  const client = new RadiusClient({ host: options.host, port: options.port, secret: options.secret, timeoutMs: options.timeoutMs, retries: options.retries });
  const code = options.kind === 'disconnect' ? CODE.DISCONNECT_REQUEST : CODE.COA_REQUEST;
  try {
    const reply = await client.request(code, options.attributes, { messageAuthenticator: true });
    return interpretReply(reply);
  } catch (error) {
    if (error instanceof AppError) throw error;
    return { result: 'timeout' };
  } finally {
    await client.close();
  }
}
