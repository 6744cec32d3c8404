import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../core/logger.js';

describe('createLogger', () => {
  it('writes JSON with the service name and never the secrets it is handed', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('radius', { destination: sink });
    logger.info({ password: 'hunter2', nas: { secret: 's3cret', name: 'taman' }, chapResponse: 'e5627b63', phone: '+6281234' }, 'login');
    const entry = JSON.parse(lines[0]);
    expect(entry).to.include({ service: 'radius', msg: 'login', password: '[redacted]', chapResponse: '[redacted]', phone: '[redacted]' });
    expect(entry.nas).to.deep.equal({ secret: '[redacted]', name: 'taman' });
    expect(lines[0]).not.to.match(/hunter2|s3cret|e5627b63|6281234/);
  });
});
