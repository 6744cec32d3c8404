import { expect } from 'chai';
import { escapeForUrl, renderPage } from '../../../../sim/hotspot/template.js';

describe('sim/hotspot page variables ($(var) substitution)', () => {
  const variables = {
    mac: 'AA:BB:CC:00:00:01',
    'chap-id': '\\371',
    'link-orig': 'http://example.com/a b?x=1&y="2"',
    error: 'Kuota habis',
    empty: '',
    popup: 'true',
  };

  it('puts the value in for $(name) as it is, with no HTML escaping (as the router does)', () => {
    expect(renderPage('<p>$(mac)</p><p>$(link-orig)</p>', variables)).to.equal('<p>AA:BB:CC:00:00:01</p><p>http://example.com/a b?x=1&y="2"</p>');
  });

  it('gives the URL-escaped value for $(name-esc): only unreserved characters stay', () => {
    expect(renderPage('$(mac-esc)', variables)).to.equal('AA%3ABB%3ACC%3A00%3A00%3A01');
    expect(renderPage('$(chap-id-esc)', variables)).to.equal('%5C371');
    expect(renderPage('$(link-orig-esc)', variables)).to.equal('http%3A%2F%2Fexample.com%2Fa%20b%3Fx%3D1%26y%3D%222%22');
    expect(escapeForUrl("it's ~ok_-.")).to.equal('it%27s%20~ok_-.');
    expect(escapeForUrl('Rp 5.000 · ñ')).to.equal('Rp%205.000%20%C2%B7%20%C3%B1');
  });

  it('escaped values decode back to the original with decodeURIComponent', () => {
    for (const value of Object.values(variables)) expect(decodeURIComponent(escapeForUrl(value))).to.equal(value);
  });

  it('turns an unknown variable into nothing and leaves other text alone', () => {
    expect(renderPage('a$(nope)b $(nope-esc)c $ (mac) $mac', variables)).to.equal('ab c $ (mac) $mac');
  });

  it('chooses parts with $(if), $(elif), $(else) and $(endif), nested', () => {
    const page = "$(if chap-id)C$(if popup == 'true')P$(else)p$(endif)$(elif error)E$(else)N$(endif)";
    expect(renderPage(page, variables)).to.equal('CP');
    expect(renderPage(page, { ...variables, popup: 'false' })).to.equal('Cp');
    expect(renderPage(page, { ...variables, 'chap-id': '' })).to.equal('E');
    expect(renderPage(page, { 'chap-id': '', error: '' })).to.equal('N');
    expect(renderPage("$(if error != 'x')yes$(endif)$(if empty)no$(endif)", variables)).to.equal('yes');
  });

  it('does not substitute inside a part that is not shown', () => {
    expect(renderPage('$(if empty)$(mac)$(else)-$(endif)', variables)).to.equal('-');
  });
});
