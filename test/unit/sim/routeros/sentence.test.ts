import { expect } from 'chai';
import { done, empty, fatal, parseRequest, re, trap } from '../../../../sim/routeros/sentence.js';

describe('sim/routeros request and reply sentences (PROTOCOLS.md §B.2–B.3)', () => {
  it('splits attributes at the second "=" only, keeping empty values and "=" in values', () => {
    const request = parseRequest(['/login', '=name=admin', '=password=a=b=', '=empty=', '=flag'])!;
    expect(request.command).to.equal('/login');
    expect([...request.attributes]).to.deep.equal([
      ['name', 'admin'],
      ['password', 'a=b='],
      ['empty', ''],
      ['flag', ''],
    ]);
  });

  it('keeps .tag and queries apart, and reads getall as print', () => {
    const request = parseRequest(['/interface/getall', '?type=ether', '.tag=12', '?#|', '=.proplist=name'])!;
    expect(request.command).to.equal('/interface/print');
    expect(request.tag).to.equal('12');
    expect(request.queries).to.deep.equal(['type=ether', '#|']);
    expect(request.attributes.get('.proplist')).to.equal('name');
  });

  it('reads a sentence that is not a command as nothing', () => {
    expect(parseRequest(['!re', '=x=y'])).to.equal(undefined);
    expect(parseRequest([])).to.equal(undefined);
  });

  it('puts .tag after every other word of a reply', () => {
    expect(re([['name', 'ether1'], ['type', 'ether']], '2')).to.deep.equal(['!re', '=name=ether1', '=type=ether', '.tag=2']);
    expect(done('3')).to.deep.equal(['!done', '.tag=3']);
    expect(done('3', '17')).to.deep.equal(['!done', '=ret=17', '.tag=3']);
    expect(empty('5')).to.deep.equal(['!empty', '.tag=5']);
    expect(trap('interrupted', 'x', 2)).to.deep.equal(['!trap', '=category=2', '=message=interrupted', '.tag=x']);
  });

  it('writes untagged replies without a tag word, and !fatal with a bare reason', () => {
    expect(done()).to.deep.equal(['!done']);
    expect(trap('invalid user name or password (6)')).to.deep.equal(['!trap', '=message=invalid user name or password (6)']);
    expect(fatal('session terminated on request')).to.deep.equal(['!fatal', 'session terminated on request']);
  });
});
