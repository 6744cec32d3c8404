import { expect } from 'chai';
import { createSecretBox } from '../../../../../core/crypto.js';
import { addNas, findNasById, listNas, nasChangeMarker, removeNas } from '../../../../../core/db/queries/nas.js';
import { AppError } from '../../../../../core/errors.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));

describe('nas queries', () => {
  beforeEach(() => resetTables());

  it('change the marker on every add, edit and removal, and only then', async () => {
    const db = testDb();
    const empty = await nasChangeMarker(db);
    const added = await addNas(db, box, { name: 'r1', address: '10.0.0.1', secret: 's' });
    const one = await nasChangeMarker(db);
    expect(one).not.to.equal(empty);
    expect(await nasChangeMarker(db)).to.equal(one);

    await db('nas').where({ id: added.id }).update({ coa_port: 1700, updated_at: db.fn.now() });
    const edited = await nasChangeMarker(db);
    expect(edited).not.to.equal(one);

    await addNas(db, box, { name: 'r2', address: '10.0.0.2', secret: 's' });
    const two = await nasChangeMarker(db);
    expect(two).not.to.equal(edited);
    await removeNas(db, 'r1');
    expect(await nasChangeMarker(db)).not.to.equal(two);
  });

  it('read back what was added, with defaults, by id and in the list', async () => {
    const db = testDb();
    const added = await addNas(db, box, { name: 'r1', address: '10.0.0.0/24', secret: 'rahasia' });
    expect(added).to.include({ name: 'r1', address: '10.0.0.0/24', siteId: null, siteCode: null, nasIdentifier: null, coaPort: 3799, requireMessageAuthenticator: true });
    expect(added.updatedAt).to.be.instanceOf(Date);
    expect(box.decrypt(added.secretEnc)).to.equal('rahasia');
    expect(await findNasById(db, added.id)).to.deep.equal(added);
    expect(await listNas(db)).to.deep.equal([added]);
    expect(await findNasById(db, added.id + 1)).to.equal(undefined);
  });

  it('throw NOT_FOUND for an unknown site before writing anything', async () => {
    const db = testDb();
    const error = await addNas(db, box, { name: 'r1', address: '10.0.0.1', secret: 's', siteCode: 'NOPE' }).catch((e) => e);
    expect(error).to.be.instanceOf(AppError);
    expect((error as AppError).code).to.equal('NOT_FOUND');
    expect(await listNas(db)).to.deep.equal([]);
  });
});
