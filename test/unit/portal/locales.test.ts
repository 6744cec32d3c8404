import { expect } from 'chai';
import { loadDictionary, loadTranslations } from '../../../portal/i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('portal locales', () => {
  const id = loadDictionary('id');
  const en = loadDictionary('en');

  it('have every Indonesian string in English and nothing English-only', () => {
    expect(Object.keys(en).filter((k) => !(k in id)), 'only in English').to.deep.equal([]);
    expect(Object.keys(id).filter((k) => !(k in en)), 'missing in English').to.deep.equal([]);
  });

  it('use the same placeholders in both languages, and no empty strings', () => {
    for (const key of Object.keys(id)) {
      expect(placeholders(en[key] ?? ''), key).to.deep.equal(placeholders(id[key]));
      expect(id[key].trim(), key).not.to.equal('');
      expect((en[key] ?? 'x').trim(), key).not.to.equal('');
    }
  });

  it('fill placeholders and fall back to the key for an unknown string', () => {
    const t = loadTranslations().translator('en');
    expect(t('problem.tooMany', { seconds: 42 })).to.equal('Too many attempts. Please try again in 42 seconds.');
    expect(t('no.such.key')).to.equal('no.such.key');
  });
});
