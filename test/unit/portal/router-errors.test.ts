import { expect } from 'chai';
import { loadDictionary } from '../../../portal/i18n.js';
import { createRouterErrorMatcher } from '../../../portal/router-errors.js';

describe('router error texts', () => {
  const matcher = createRouterErrorMatcher(loadDictionary('id'));

  it('recognise citywifi\'s own Reply-Messages, with any detail after them', () => {
    expect(matcher.match('Kuota data internet Anda hari ini sudah habis. Silakan kembali besok.')).to.deep.equal({ key: 'routerError.daily-bytes', detail: '' });
    expect(matcher.match('Wi-Fi di lokasi ini sedang di luar jam layanan. Buka pukul 06.00.')).to.deep.equal({
      key: 'routerError.outside-hours',
      detail: 'Buka pukul 06.00.',
    });
  });

  it('recognise MikroTik\'s stock errors.txt texts', () => {
    expect(matcher.match('invalid username or password')).to.deep.equal({ key: 'routerError.wrong-password', detail: '' });
    expect(matcher.match('RADIUS server is not responding')).to.deep.equal({ key: 'routerError.radius-timeout', detail: '' });
    expect(matcher.match('user T-AA has reached uptime limit')).to.deep.equal({ key: 'routerError.daily-time', detail: '' });
  });

  it('pass anything else through, shortened', () => {
    expect(matcher.match('something new')).to.deep.equal({ text: 'something new' });
    expect((matcher.match('x'.repeat(400)) as { text: string }).text).to.have.length(200);
  });
});
