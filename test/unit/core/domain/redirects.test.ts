import { expect } from 'chai';
import { isPrivateIpv4, validateDestination, validateLinkLoginOnly } from '../../../../core/domain/redirects.js';

describe('redirect validation', () => {
  it('knows the private IPv4 ranges', () => {
    for (const ok of ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.9.9', '192.168.88.1']) expect(isPrivateIpv4(ok), ok).to.equal(true);
    for (const no of ['172.15.0.1', '172.32.0.1', '192.169.0.1', '8.8.8.8', '11.0.0.1', 'fe80::1', 'router.lan']) expect(isPrivateIpv4(no), no).to.equal(false);
  });

  it('accepts link-login-only on the router: a private address or the registered hotspot host', () => {
    expect(validateLinkLoginOnly('http://10.5.50.1/login', null)).to.equal('http://10.5.50.1/login');
    expect(validateLinkLoginOnly('https://192.168.88.1/login', null)).to.equal('https://192.168.88.1/login');
    expect(validateLinkLoginOnly('http://127.0.0.1:8123/login', '127.0.0.1')).to.equal('http://127.0.0.1:8123/login');
    expect(validateLinkLoginOnly('http://Hotspot.Taman.Example/login', 'hotspot.taman.example')).to.equal('http://hotspot.taman.example/login');
  });

  it('refuses link-login-only anywhere else', () => {
    const bad = [
      'http://evil.example/login',
      'http://127.0.0.1:8123/login',
      'http://10.5.50.1.evil.example/login',
      'javascript:alert(1)',
      'ftp://10.5.50.1/login',
      '//10.5.50.1/login',
      '/login',
      'http://user:pass@10.5.50.1/login',
      'http://8.8.8.8/login',
      '',
      `http://10.0.0.1/${'a'.repeat(3000)}`,
    ];
    for (const text of bad) expect(validateLinkLoginOnly(text, 'hotspot.taman.example'), text).to.equal(undefined);
    expect(validateLinkLoginOnly('http://other.example/login', 'hotspot.taman.example')).to.equal(undefined);
  });

  it('accepts any http(s) destination and nothing else', () => {
    expect(validateDestination('http://www.example.com/page?q=1')).to.equal('http://www.example.com/page?q=1');
    expect(validateDestination('https://example.org')).to.equal('https://example.org/');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'example.com', '']) {
      expect(validateDestination(bad), bad).to.equal(undefined);
    }
  });
});
