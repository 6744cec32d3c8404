import { expect } from 'chai';
import { maskPhone, normalizePhone, toE164 } from '../../../core/domain/phone.js';

describe('phone numbers', () => {
  it('normalise every way a citizen writes an Indonesian mobile number to +62 E.164', () => {
    for (const typed of ['0812 3456 7890', '0812-3456-7890', '+62 812-3456-7890', '6281234567890', '81234567890', '+62 (0)812 3456 7890', '0062 812 3456 7890', ' 0812.3456.7890 ']) {
      expect(normalizePhone(typed), typed).to.deep.equal({ ok: true, e164: '+6281234567890' });
    }
    expect(toE164('0857-1234-5678')).to.equal('+6285712345678');
    expect(toE164('0895 1234 5678')).to.equal('+6289512345678');
    expect(toE164('0811-123-456')).to.equal('+62811123456');
  });

  it('refuse what cannot receive a code, saying why', () => {
    expect(normalizePhone('')).to.deep.equal({ ok: false, problem: 'empty' });
    expect(normalizePhone(undefined)).to.deep.equal({ ok: false, problem: 'empty' });
    expect(normalizePhone('0812abc7890')).to.deep.equal({ ok: false, problem: 'malformed' });
    expect(normalizePhone('0812345')).to.deep.equal({ ok: false, problem: 'malformed' });
    expect(normalizePhone('0'.repeat(40))).to.deep.equal({ ok: false, problem: 'malformed' });
    expect(normalizePhone('+1 202 555 0123')).to.deep.equal({ ok: false, problem: 'not-indonesian' });
    expect(normalizePhone('+60 12-345 6789')).to.deep.equal({ ok: false, problem: 'not-indonesian' });
    // A Jakarta landline gets no SMS.
    expect(normalizePhone('021 555 1234')).to.deep.equal({ ok: false, problem: 'not-mobile' });
    expect(toE164('021 555 1234')).to.equal(undefined);
  });

  it('mask a number so its owner recognises it and nobody else learns it', () => {
    expect(maskPhone('+6281234567890')).to.equal('+62812*****890');
    expect(maskPhone('+62811123456')).to.equal('+62811***456');
    expect(maskPhone('+6281234567890')).not.to.contain('4567');
  });
});
