import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { decodeAttributesFast } from '../../../../core/radius/attribute-decoder.js';
import { decodeAttributes } from '../../../../core/radius/dictionary.js';
import { CODE, encodeRequest, peekHeader } from '../../../../core/radius/index.js';

const SECRET = 'decoder-secret';

function samples(): Buffer[] {
  const hotspot: Array<[string, string | number]> = [
    ['User-Name', 'budi'],
    ['NAS-Identifier', 'taman-1'],
    ['NAS-IP-Address', '10.20.0.7'],
    ['NAS-Port', 2148532224],
    ['NAS-Port-Type', 'Wireless-802.11'],
    ['NAS-Port-Id', 'bridge-hotspot'],
    ['Calling-Station-Id', 'AA:BB:CC:DD:EE:FF'],
    ['Called-Station-Id', 'hotspot1'],
    ['Framed-IP-Address', '10.5.50.23'],
    ['Acct-Session-Id', '81a00003'],
  ];
  return [
    encodeRequest(CODE.ACCESS_REQUEST, 1, [...hotspot, ['Vendor-Specific', 14988, [['Mikrotik-Host-IP', '10.5.50.23'], ['Mikrotik-Realm', 'kota']]]], SECRET, {
      chap: { password: 'rahasia' },
    }).raw,
    encodeRequest(
      CODE.ACCOUNTING_REQUEST,
      2,
      [
        ...hotspot,
        ['Acct-Status-Type', 'Stop'],
        ['Acct-Delay-Time', 3],
        ['Acct-Session-Time', 600],
        ['Acct-Input-Octets', 123456],
        ['Acct-Output-Octets', 99],
        ['Acct-Output-Gigawords', 2],
        ['Acct-Input-Packets', 10],
        ['Acct-Output-Packets', 11],
        ['Acct-Terminate-Cause', 'Idle-Timeout'],
        ['Class', Buffer.from('cw1:otp:1:2:::3')],
        ['Class', Buffer.from('second')],
        ['Event-Timestamp', 1795400000],
      ],
      SECRET,
    ).raw,
    encodeRequest(CODE.STATUS_SERVER, 3, [['NAS-Identifier', 'probe']], SECRET).raw,
  ];
}

describe('decodeAttributesFast', () => {
  it('decodes exactly as the radius package does', () => {
    for (const packet of samples()) {
      expect(decodeAttributesFast(packet, decodeAttributes)).to.deep.equal(decodeAttributes(packet));
    }
  });

  it('agrees with the package on thousands of damaged packets (or both refuse)', () => {
    const base = samples();
    let compared = 0;
    for (let i = 0; i < 5000; i++) {
      const packet = Buffer.from(base[i % base.length]);
      for (let flips = 1 + (i % 3); flips > 0; flips--) packet[20 + Math.floor(Math.random() * (packet.length - 20))] = randomBytes(1)[0];
      if (!peekHeader(packet)) continue;
      compared += 1;
      expect(decodeAttributesFast(packet, decodeAttributes)).to.deep.equal(decodeAttributes(packet));
    }
    expect(compared).to.be.greaterThan(1000);
  });

  it('leaves User-Password hidden, as the package does', () => {
    const packet = encodeRequest(CODE.ACCESS_REQUEST, 4, [['User-Name', 'budi']], SECRET, { userPassword: 'rahasia' }).raw;
    const decoded = decodeAttributesFast(packet, decodeAttributes);
    expect(decoded).to.deep.equal(decodeAttributes(packet));
    expect(decoded!['User-Password']).to.equal(null);
  });
});
