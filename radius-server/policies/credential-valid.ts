import { CONTINUE, reject, type Policy } from './policy.js';

/** The login itself is still good: a one-time credential unspent and unexpired on its own device, a voucher valid, a device remembered. */
export const credentialValid: Policy = ({ facts, mac, now }) => {
  const { credential, voucher, device } = facts;
  switch (facts.kind) {
    case 'credential':
      if (!credential) return reject('unknown-user');
      if (credential.usedAt) return reject('credential-used');
      if (credential.expiresAt <= now) return reject('credential-expired');
      if (credential.mac !== mac) return reject('wrong-device');
      return CONTINUE;
    case 'voucher':
      if (!voucher) return reject('unknown-user');
      if (voucher.revoked) return reject('voucher-revoked');
      if (voucher.expiresAt && voucher.expiresAt <= now) return reject('voucher-expired');
      if (voucher.lockedMac && voucher.lockedMac !== mac) return reject('wrong-device');
      return CONTINUE;
    case 'mac':
      if (!device?.rememberedUntil || device.rememberedUntil <= now) return reject('device-not-remembered');
      return CONTINUE;
    case 'account':
      return CONTINUE;
    default:
      return reject('unknown-user');
  }
};
