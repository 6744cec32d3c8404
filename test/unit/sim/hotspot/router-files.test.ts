import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRouterPages, portalBaseUrl } from '../../../../sim/hotspot/router-files.js';
import { renderPage } from '../../../../sim/hotspot/template.js';
import { findLink, findMetaRefresh } from '../../../helpers/phone-browser.js';

const ROUTER_FILES = fileURLToPath(new URL('../../../../portal/router-files/', import.meta.url));

/** What a router would fill in; the awkward values are the ones that break hand-written pages. */
const ROUTER_VALUES = {
  mac: 'AA:BB:CC:00:00:01',
  ip: '10.5.50.2',
  username: 'warga "satu" & <dua>',
  'link-login': 'http://10.5.50.1/login?dst=http%3A%2F%2Fexample.com%2F%3Fa%3D1%26b%3D2',
  'link-login-only': 'http://10.5.50.1/login',
  'link-orig': 'http://example.com/?a=1&b=2#frag',
  'chap-id': '\\371',
  'chap-challenge': '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
  error: 'Kuota waktu internet Anda hari ini sudah habis. Silakan kembali besok.',
  identity: 'taman-kota-1',
  'server-name': 'hotspot1',
};

describe('portal/router-files as the router serves them', () => {
  it('login.html has exactly one line to edit: the portal address on <base>', () => {
    const raw = readFileSync(`${ROUTER_FILES}login.html`, 'utf8');
    expect(raw.match(/<base href="[^"]*">/g)).to.have.length(1);
    expect(raw).to.match(/^<!DOCTYPE html>/);
    expect(raw).not.to.match(/<script/i);
  });

  it('login.html sends the phone to the portal /login with every router variable, exactly, without JavaScript', () => {
    const pages = loadRouterPages('https://wifi.tangsel.example/portal', ROUTER_FILES);
    const html = renderPage(pages.login!, ROUTER_VALUES);
    const refresh = findMetaRefresh(html, 'http://10.5.50.1/login');
    const button = findLink(html, 'http://10.5.50.1/login', 'continue');
    expect(refresh).to.be.a('string');
    expect(button).to.equal(refresh);
    const url = new URL(refresh!);
    expect(`${url.origin}${url.pathname}`).to.equal('https://wifi.tangsel.example/portal/login');
    const sent = Object.fromEntries(url.searchParams);
    expect(sent).to.deep.equal(ROUTER_VALUES);
  });

  it('login.html passes empty CHAP values through as empty (CHAP off: the portal posts PAP)', () => {
    const pages = loadRouterPages('http://127.0.0.1:8080/', ROUTER_FILES);
    const html = renderPage(pages.login!, { ...ROUTER_VALUES, 'chap-id': '', 'chap-challenge': '', error: '' });
    const url = new URL(findMetaRefresh(html, 'http://10.5.50.1/login')!);
    expect(url.searchParams.get('chap-id')).to.equal('');
    expect(url.searchParams.get('chap-challenge')).to.equal('');
    expect(url.searchParams.get('error')).to.equal('');
  });

  it('alogin.html sends the phone on to dst (link-redirect) without JavaScript', () => {
    const pages = loadRouterPages('http://127.0.0.1:8080/', ROUTER_FILES);
    const html = renderPage(pages.alogin!, { 'link-redirect': 'http://example.com/?a=1&b=2' });
    expect(findMetaRefresh(html, 'http://10.5.50.1/login')).to.equal('http://example.com/?a=1&b=2');
    expect(findLink(html, 'http://10.5.50.1/login', 'continue')).to.equal('http://example.com/?a=1&b=2');
  });

  it('there is no flogin.html, so a failed login goes back to the portal through login.html', () => {
    expect(loadRouterPages('http://127.0.0.1:8080/', ROUTER_FILES).flogin).to.equal(undefined);
  });

  it('the portal address is normalised to an absolute URL ending with a slash', () => {
    expect(portalBaseUrl('https://wifi.example/portal?x=1')).to.equal('https://wifi.example/portal/');
    expect(portalBaseUrl('http://127.0.0.1:8080')).to.equal('http://127.0.0.1:8080/');
    expect(() => portalBaseUrl('ftp://wifi.example/')).to.throw(/http/);
  });

  it('walled-garden.rsc lets the portal host through, and never an OS connectivity probe', () => {
    const rsc = readFileSync(`${ROUTER_FILES}walled-garden.rsc`, 'utf8');
    const commands = rsc.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(commands.join('\n')).to.match(/\/ip hotspot walled-garden add dst-host=\$portal/);
    expect(commands.join('\n')).to.match(/\/ip hotspot walled-garden ip add dst-host=\$portal action=accept/);
    expect(commands.join('\n')).not.to.match(/gstatic|apple|msftconnecttest|msftncsi|detectportal/);
  });
});
