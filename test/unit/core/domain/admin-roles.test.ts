import { expect } from 'chai';
import { findPasswordProblem } from '../../../../core/domain/admin-password.js';
import { can, macFor, parseRoles, phoneFor } from '../../../../core/domain/admin-roles.js';

describe('dashboard roles', () => {
  it('give admins everything, engineers operations and sites, reporters figures and exports only', () => {
    expect(can(['admin'], 'administer')).to.equal(true);
    expect(can(['engineer'], 'manage-sites')).to.equal(true);
    expect(can(['engineer'], 'administer')).to.equal(false);
    expect(can(['reporter'], 'export')).to.equal(true);
    expect(can(['reporter'], 'operate')).to.equal(false);
    expect(can(['reporter', 'engineer'], 'operate')).to.equal(true);
    expect(can([], 'view-figures')).to.equal(false);
    expect(can(['root'], 'view-figures')).to.equal(false);
  });

  it('mask MAC addresses and phone numbers for reporters only', () => {
    expect(macFor(['reporter'], 'AA:BB:CC:12:34:56')).to.equal('AA:BB:CC:XX:XX:XX');
    expect(macFor(['engineer'], 'AA:BB:CC:12:34:56')).to.equal('AA:BB:CC:12:34:56');
    expect(phoneFor(['reporter'], '+6281234567890')).to.equal('+62812*****890');
    expect(phoneFor(['admin'], '+6281234567890')).to.equal('+6281234567890');
  });

  it('read a role list in any order and case, and name an unknown role', () => {
    expect(parseRoles(' Reporter,admin,reporter ')).to.deep.equal({ ok: true, value: ['admin', 'reporter'] });
    expect(parseRoles('admin,owner')).to.deep.equal({ ok: false, reason: 'unknown role "owner"; the roles are admin, engineer, reporter' });
    expect(parseRoles('')).to.have.property('ok', false);
  });
});

describe('dashboard passwords', () => {
  it('refuse short, username-bearing, repetitive and well-known passwords', () => {
    expect(findPasswordProblem('Pendek-1', 'sari')).to.equal('too-short');
    expect(findPasswordProblem('punya-SARI-2026', 'sari')).to.equal('contains-username');
    expect(findPasswordProblem('abababababab', 'sari')).to.equal('too-few-characters');
    expect(findPasswordProblem('Indonesia1945', 'sari')).to.equal('well-known');
    expect(findPasswordProblem('Laporan-Bulanan-77', 'sari')).to.equal(undefined);
  });
});
