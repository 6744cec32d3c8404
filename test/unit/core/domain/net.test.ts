import { expect } from 'chai';
import { isAddressWithin, parseAddressOrCidr } from '../../../../core/domain/net.js';

describe('parseAddressOrCidr', () => {
  it('keeps plain IPv4 addresses and networks', () => {
    expect(parseAddressOrCidr('10.20.0.1')).to.equal('10.20.0.1');
    expect(parseAddressOrCidr(' 10.20.0.0/16 ')).to.equal('10.20.0.0/16');
    expect(parseAddressOrCidr('0.0.0.0/0')).to.equal('0.0.0.0/0');
  });

  it('clears host bits and drops a single-host prefix, so one network has one spelling', () => {
    expect(parseAddressOrCidr('10.20.7.9/16')).to.equal('10.20.0.0/16');
    expect(parseAddressOrCidr('10.20.7.9/32')).to.equal('10.20.7.9');
    expect(parseAddressOrCidr('10.20.7.9/31')).to.equal('10.20.7.8/31');
  });

  it('writes IPv6 lowercase and compressed', () => {
    expect(parseAddressOrCidr('2001:DB8:0:0:0:0:0:1')).to.equal('2001:db8::1');
    expect(parseAddressOrCidr('2001:db8::7/64')).to.equal('2001:db8::/64');
    expect(parseAddressOrCidr('2001:db8:aaaa:bbbb::/50')).to.equal('2001:db8:aaaa:8000::/50');
    expect(parseAddressOrCidr('::1/128')).to.equal('::1');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address it is', () => {
    expect(parseAddressOrCidr('::ffff:10.0.0.1')).to.equal('10.0.0.1');
    expect(parseAddressOrCidr('::ffff:10.0.0.0/120')).to.equal('10.0.0.0/24');
  });

  it('refuses what is not an address or a network', () => {
    for (const bad of ['', 'router', '1.2.3', '1.2.3.4.5', '256.1.1.1', '010.0.0.1', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/-1',
      '1.2.3.4/a', '1.2.3.4/8/8', '2001:db8::/129', 'fe80::1%eth0', 'gggg::1', '10.0.0.0 /24']) {
      expect(parseAddressOrCidr(bad), bad).to.equal(undefined);
    }
  });
});

describe('isAddressWithin', () => {
  it('matches an address against a single address or a network', () => {
    expect(isAddressWithin('10.20.0.1', '10.20.0.1')).to.equal(true);
    expect(isAddressWithin('10.20.0.2', '10.20.0.1')).to.equal(false);
    expect(isAddressWithin('10.20.99.1', '10.20.0.0/16')).to.equal(true);
    expect(isAddressWithin('10.21.0.1', '10.20.0.0/16')).to.equal(false);
    expect(isAddressWithin('2001:db8::5', '2001:db8::/64')).to.equal(true);
  });

  it('matches an IPv4 peer seen on a dual-stack socket', () => {
    expect(isAddressWithin('::ffff:10.20.0.1', '10.20.0.0/16')).to.equal(true);
  });

  it('matches nothing against a bad entry or a bad address', () => {
    expect(isAddressWithin('10.0.0.1', 'router')).to.equal(false);
    expect(isAddressWithin('router', '10.0.0.0/8')).to.equal(false);
  });
});
