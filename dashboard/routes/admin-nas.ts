import type { Request, Response } from 'express';
import { removeNasById } from '../../core/db/queries/admin-catalog.js';
import { addNas, listNas } from '../../core/db/queries/nas.js';
import { parseAddressOrCidr } from '../../core/domain/net.js';
import { parseWholeNumber } from '../../core/domain/units.js';
import { AppError } from '../../core/errors.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { renderPage, renderProblem } from '../render.js';
import { boundedText, doneMessage, field, idParam, ticked, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';

/**
 * RADIUS clients (NAS): list, add, remove, with `citywifi nas add`'s rules. The shared secret is
 * stored encrypted (RADIUS needs it in clear to check authenticators) and never shown again, not
 * even in a form refused for another field. The RADIUS server reloads its client table when the
 * table changes (checked every 5 s) and, for a packet from an unknown address, at once.
 */

interface NasForm {
  name: string;
  address: string;
  site: string;
  identifier: string;
  coaPort: string;
  requireMessageAuthenticator: boolean;
}

const EMPTY_FORM: NasForm = { name: '', address: '', site: '', identifier: '', coaPort: '3799', requireMessageAuthenticator: true };

async function showNas(req: Request, res: Response, extra: { errors?: string[]; form?: NasForm; status?: number } = {}): Promise<void> {
  const list = await listNas(kitOf(req).deps.db);
  renderPage(
    res,
    'admin-nas',
    {
      // never the secret, not even encrypted
      clients: list.map((n) => ({ id: n.id, name: n.name, address: n.address, siteCode: n.siteCode, nasIdentifier: n.nasIdentifier, coaPort: n.coaPort, requireMessageAuthenticator: n.requireMessageAuthenticator })),
      message: doneMessage(req, res, 'adminNas', ['added', 'removed']),
      errors: extra.errors ?? [],
      form: extra.form ?? EMPTY_FORM,
    },
    extra.status ?? 200,
  );
}

async function addNasFromForm(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const form: NasForm = {
    name: field(req, 'name'),
    address: field(req, 'address'),
    site: field(req, 'site').trim(),
    identifier: field(req, 'identifier'),
    coaPort: field(req, 'coaPort'),
    requireMessageAuthenticator: ticked(req, 'requireMessageAuthenticator'),
  };
  const secretText = field(req, 'secret');
  const errors: string[] = [];
  const name = boundedText(form.name, 64);
  if (!name) errors.push(t('adminNas.problem.name'));
  const address = parseAddressOrCidr(form.address);
  if (!address) errors.push(t('adminNas.problem.address'));
  // As typed: a RADIUS secret is compared byte for byte, so no trimming.
  const secret = secretText !== '' && secretText.length <= 128 && !/\p{Cc}/u.test(secretText) ? secretText : undefined;
  if (!secret) errors.push(t('adminNas.problem.secret'));
  const identifier = form.identifier.trim() === '' ? undefined : boundedText(form.identifier, 253);
  if (form.identifier.trim() !== '' && !identifier) errors.push(t('adminNas.problem.identifier'));
  const coaPort = parseWholeNumber(form.coaPort === '' ? '3799' : form.coaPort, 1, 65535);
  if (!coaPort.ok) errors.push(t('adminNas.problem.coaPort'));
  if (errors.length || !name || !address || !secret || !coaPort.ok) return showNas(req, res, { errors, form, status: 400 });
  try {
    await auditedChange(req, res, async (tx) => {
      const added = await addNas(tx, deps.box, {
        name,
        address,
        secret,
        siteCode: form.site === '' ? undefined : form.site,
        nasIdentifier: identifier,
        coaPort: coaPort.value,
        requireMessageAuthenticator: form.requireMessageAuthenticator,
      });
      return {
        result: added,
        audit: { action: 'nas-add', target: added.name, details: { address: added.address, site: added.siteCode, coaPort: added.coaPort, requireMessageAuthenticator: added.requireMessageAuthenticator } },
      };
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return showNas(req, res, { errors: [t('adminNas.problem.site', { code: form.site })], form, status: 400 });
    if (error instanceof AppError && error.code === 'BAD_ARGUMENT') return showNas(req, res, { errors: [t('adminNas.taken')], form, status: 400 });
    throw error;
  }
  res.redirect(303, '/admin/nas?done=added');
}

async function removeNas(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  if (id === undefined) return renderProblem(res, 404, 'problem.notFound');
  const removed = await auditedChange(req, res, async (tx) => {
    const gone = await removeNasById(tx, id);
    return { result: gone, audit: gone ? { action: 'nas-remove', target: gone.name, details: { address: gone.address } } : null };
  });
  if (!removed) return renderProblem(res, 404, 'problem.notFound');
  res.redirect(303, '/admin/nas?done=removed');
}

export function adminNasRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/nas', access: 'administer', handler: (req, res) => showNas(req, res) },
    { method: 'post', path: '/admin/nas', access: 'administer', handler: addNasFromForm },
    { method: 'post', path: '/admin/nas/:id/remove', access: 'administer', handler: removeNas },
  ];
}
