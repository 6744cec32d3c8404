import { CONTINUE, reject, type Policy } from './policy.js';

/** A blocked citizen, device or account does not get on. */
export const notBlocked: Policy = ({ facts }) =>
  facts.subscriber?.blocked || facts.device?.blocked || facts.account?.blocked ? reject('blocked') : CONTINUE;
