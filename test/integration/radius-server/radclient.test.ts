import { expect } from 'chai';
import { radclient, seedBasics, startFixture, type RadiusFixture } from '../../helpers/radius-fixture.js';
import { testDb } from '../../helpers/test-db.js';

// FreeRADIUS's radclient is the outside client here: packets built by software that is not ours.
describe('interop with FreeRADIUS radclient', () => {
  let f: RadiusFixture;
  before(async function () {
    this.timeout(60_000);
    await seedBasics();
    f = await startFixture();
  });
  after(() => f.stop());

  const hotspot = 'Calling-Station-Id = "AA-BB-CC-00-00-41", NAS-Identifier = "taman-kota-1", Message-Authenticator = 0x00';

  it('PAP login gets Access-Accept with the plan attributes', async () => {
    const r = await radclient(f.server.authPort, 'auth', `User-Name = "petugas", User-Password = "rahasia-petugas", ${hotspot}`);
    expect(r.ok, r.output).to.equal(true);
    expect(r.output).to.match(/Received Access-Accept/);
    expect(r.output).to.match(/Mikrotik-Rate-Limit = "2M\/5M"/);
    expect(r.output).to.match(/Acct-Interim-Interval = 300/);
    expect(r.output).to.match(/Session-Timeout = 7200/);
  });

  it('CHAP login gets Access-Accept', async () => {
    const r = await radclient(f.server.authPort, 'auth', `User-Name = "petugas", CHAP-Password = "rahasia-petugas", ${hotspot}`);
    expect(r.output).to.match(/Received Access-Accept/);
  });

  it('a wrong password gets Access-Reject with a message in Bahasa Indonesia', async () => {
    const r = await radclient(f.server.authPort, 'auth', `User-Name = "petugas", CHAP-Password = "salah", ${hotspot}`);
    expect(r.output).to.match(/Received Access-Reject/);
    expect(r.output).to.match(/Reply-Message = "Kode atau kata sandi salah/);
  });

  it('accounting Start, Interim-Update and Stop are acknowledged and stored', async () => {
    const base = `User-Name = "petugas", Acct-Session-Id = "rc-81a00001", ${hotspot.replace(', Message-Authenticator = 0x00', '')}`;
    for (const status of ['Start', 'Interim-Update', 'Stop']) {
      const extra = status === 'Start' ? '' : ', Acct-Session-Time = 120, Acct-Input-Octets = 4000, Acct-Output-Octets = 9000';
      const r = await radclient(f.server.acctPort, 'acct', `${base}, Acct-Status-Type = ${status}${extra}`);
      expect(r.output, status).to.match(/Received Accounting-Response/);
    }
    const [row] = await testDb()('sessions').where({ acct_session_id: 'rc-81a00001' });
    expect(row.output_octets).to.equal(9000);
    expect(row.mac).to.equal('AA:BB:CC:00:00:41');
    expect(row.closed_by).to.equal('stop');
  });

  it('Status-Server is answered', async () => {
    const r = await radclient(f.server.authPort, 'status', 'Message-Authenticator = 0x00');
    expect(r.output).to.match(/Received Access-Accept/);
  });

  it('a wrong shared secret gets no answer at all', async () => {
    const r = await radclient(f.server.authPort, 'auth', `User-Name = "petugas", User-Password = "rahasia-petugas", ${hotspot}`, 'wrong-secret');
    expect(r.ok).to.equal(false);
    expect(r.output).to.match(/No reply from server/);
  });
});
