/**
 * The upload route of evidence files (issue 12): one route for every importer that takes a file,
 *
 *   POST /models/:modelId/imports/:format/:action     format: csaf | cyclonedx | mds2 |
 *                                                       inventory-csv | otm | threat-dragon
 *                                                     action: preview | commit
 *
 * (otm and threat-dragon create the new model `modelId` from the other tool's file).
 *
 * as `multipart/form-data` with one file part `file` and text fields `deviceId` (CycloneDX: the
 * device; MDS2: one device), `manufacturer` and `modelName` (MDS2: every device of that make and
 * model; default: the form's own DOC-1/DOC-3), `confirm` and `skip` (repeatable; CSAF FUZZY
 * matches to apply, changes to leave out) and `expectedVersion` (commit: the model version the
 * preview was made at; CONFLICT when it moved on).
 *
 * CSRF-safe: the caller must send `Authorization: Bearer …` (sessions and API keys travel only
 * there, never in cookies), which a cross-site form cannot. The file is limited to
 * `maxBytes` (MEDTHREAT_UPLOAD_MAX_BYTES, default 10 MiB): past it the answer is HTTP 413 with a
 * typed JSON error `PAYLOAD_TOO_LARGE`, never an HTML page. Answers are JSON: `{ data }`, or
 * `{ errors: [{ message, extensions: { code, field?, issues? } }] }` with the matching HTTP status.
 * The route is thin: parsing, matching and writing are ImportService's.
 */
import busboy from 'busboy';
import express from 'express';
import type { Logger } from 'pino';
import { authorize, type Actor, type Principal } from '../domain/auth/principal';
import { DomainError, ValidationError } from '../domain/errors';
import type { Services } from '../context';
import type { Mds2Target } from '../importers/mds2';

/** Default largest uploaded file, bytes. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

const FORMATS = ['csaf', 'cyclonedx', 'mds2', 'inventory-csv', 'otm', 'threat-dragon'] as const;
type Format = (typeof FORMATS)[number];
const ACTIONS = ['preview', 'commit'] as const;
type Action = (typeof ACTIONS)[number];

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ENGINE_LIMIT: 422,
  SERVICE_UNAVAILABLE: 503,
};

class UploadError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface Upload {
  file: Buffer;
  fileName: string;
  fields: Map<string, string[]>;
}

/** Reads the multipart body: one file part `file`, text fields; refuses past `maxBytes`. */
function readUpload(req: express.Request, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(type)) {
      reject(
        new UploadError('send the file as multipart/form-data with a part named "file"', 'UNSUPPORTED_MEDIA_TYPE'),
      );
      return;
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 1000, fieldSize: 64 * 1024 },
      });
    } catch (e) {
      reject(new UploadError(`malformed multipart request: ${(e as Error).message}`, 'BAD_USER_INPUT'));
      return;
    }
    const fields = new Map<string, string[]>();
    const chunks: Buffer[] = [];
    let fileName = '';
    let seenFile = false;
    let failed: UploadError | null = null;
    bb.on('field', (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    bb.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      seenFile = true;
      fileName = info.filename ?? '';
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed ??= new UploadError(
          `the file is larger than the limit of ${maxBytes} bytes`,
          'PAYLOAD_TOO_LARGE',
          'file',
        );
      });
    });
    bb.on('filesLimit', () => {
      failed ??= new UploadError('send one file per request', 'BAD_USER_INPUT', 'file');
    });
    bb.on('error', (e: Error) =>
      reject(new UploadError(`malformed multipart request: ${e.message}`, 'BAD_USER_INPUT')),
    );
    bb.on('close', () => {
      if (failed) reject(failed);
      else if (!seenFile) reject(new UploadError('no file part named "file"', 'BAD_USER_INPUT', 'file'));
      else resolve({ file: Buffer.concat(chunks), fileName, fields });
    });
    req.pipe(bb);
  });
}

const one = (u: Upload, name: string): string | undefined => u.fields.get(name)?.[0];
const many = (u: Upload, name: string): string[] => u.fields.get(name) ?? [];

function expectedVersionOf(u: Upload): number | undefined {
  const v = one(u, 'expectedVersion');
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UploadError('expectedVersion must be a whole number', 'BAD_USER_INPUT', 'expectedVersion');
  return n;
}

function jsonOf(u: Upload): unknown {
  try {
    return JSON.parse(u.file.toString('utf8'));
  } catch {
    throw new ValidationError(`${u.fileName || 'the file'} is not JSON`, 'file');
  }
}

function mds2TargetOf(u: Upload): Mds2Target | undefined {
  const deviceId = one(u, 'deviceId');
  if (deviceId) return { deviceId };
  const manufacturer = one(u, 'manufacturer');
  const modelName = one(u, 'modelName');
  if (manufacturer && modelName) return { manufacturer, modelName };
  if (manufacturer || modelName)
    throw new UploadError(
      'give both manufacturer and modelName, or deviceId',
      'BAD_USER_INPUT',
      manufacturer ? 'modelName' : 'manufacturer',
    );
  return undefined;
}

/** Runs one upload against ImportService. */
async function handle(
  services: Services,
  principal: Principal,
  modelId: string,
  format: Format,
  action: Action,
  u: Upload,
  requestId: string,
): Promise<unknown> {
  authorize(principal, action === 'preview' ? 'VIEWER' : 'EDITOR', modelId);
  const fileName = u.fileName || undefined;
  const imports = services.imports;
  const actor: Actor = {
    principal,
    action: `upload:${format}:${action}`,
    requestId: requestId,
  };
  const expectedVersion = expectedVersionOf(u);
  const commitOptions = {
    confirm: many(u, 'confirm'),
    skip: many(u, 'skip'),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
  };
  switch (format) {
    case 'csaf':
      return action === 'preview'
        ? imports.previewCsaf(modelId, jsonOf(u), fileName)
        : imports.commitCsaf(actor, modelId, jsonOf(u), commitOptions);
    case 'cyclonedx': {
      const deviceId = one(u, 'deviceId');
      if (!deviceId)
        throw new UploadError('name the device the SBOM or VEX describes (deviceId)', 'BAD_USER_INPUT', 'deviceId');
      return action === 'preview'
        ? imports.previewCycloneDx(modelId, deviceId, jsonOf(u), fileName)
        : imports.commitCycloneDx(actor, modelId, deviceId, jsonOf(u), commitOptions);
    }
    case 'inventory-csv':
      return action === 'preview'
        ? imports.previewInventoryCsv(modelId, u.file)
        : imports.commitInventoryCsv(actor, modelId, u.file, {
            ...(fileName !== undefined ? { fileName } : {}),
            ...(expectedVersion !== undefined ? { expectedVersion } : {}),
          });
    case 'otm':
    case 'threat-dragon':
      return imports.importToolModel(actor, modelId, format, jsonOf(u), action === 'commit');
    case 'mds2': {
      const target = mds2TargetOf(u);
      return action === 'preview'
        ? imports.previewMds2(modelId, u.file, target, fileName)
        : imports.commitMds2(actor, modelId, u.file, {
            ...(target ? { target } : {}),
            ...(fileName !== undefined ? { fileName } : {}),
            ...(expectedVersion !== undefined ? { expectedVersion } : {}),
          });
    }
  }
}

/**
 * The upload router (mount at the application root).
 * @param maxBytes - largest file accepted (default {@link DEFAULT_UPLOAD_MAX_BYTES})
 */
export function uploadRoutes(services: Services, log: Logger, maxBytes = DEFAULT_UPLOAD_MAX_BYTES): express.Router {
  const router = express.Router();
  router.post('/models/:modelId/imports/:format/:action', async (req, res) => {
    const send = (status: number, body: unknown) => {
      if (!res.headersSent) res.status(status).json(body);
    };
    const fail = (e: unknown) => {
      if (e instanceof UploadError)
        return send(STATUS[e.code] ?? 400, {
          errors: [{ message: e.message, extensions: { code: e.code, ...(e.field ? { field: e.field } : {}) } }],
        });
      if (e instanceof DomainError) {
        const extensions: Record<string, unknown> = {
          code: e.code,
          ...(e.field !== undefined ? { field: e.field } : {}),
        };
        if (e instanceof ValidationError) extensions['issues'] = e.issues;
        const current = (e as { currentVersion?: number }).currentVersion;
        if (current !== undefined) extensions['currentVersion'] = current;
        return send(STATUS[e.code] ?? 400, { errors: [{ message: e.message, extensions }] });
      }
      log.error({ err: e }, 'unexpected error in an upload');
      return send(500, {
        errors: [
          { message: 'Internal server error; the incident was logged', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        ],
      });
    };
    try {
      const { modelId = '', format, action } = req.params;
      if (!FORMATS.includes(format as Format))
        throw new UploadError(
          `unknown format '${String(format).slice(0, 32)}': ${FORMATS.join(', ')}`,
          'NOT_FOUND',
          'format',
        );
      if (!ACTIONS.includes(action as Action))
        throw new UploadError(
          `unknown action '${String(action).slice(0, 32)}': preview or commit`,
          'NOT_FOUND',
          'action',
        );
      // Authenticate before reading the body: nobody uploads megabytes anonymously.
      const principal = await services.auth.authenticate(req.headers.authorization);
      if (principal.role === null)
        throw new UploadError('sign in or send an API key (Authorization: Bearer ...)', 'UNAUTHENTICATED');
      const upload = await readUpload(req, maxBytes);
      const requestId = String((req as unknown as { id?: string }).id ?? res.getHeader('x-request-id') ?? '');
      const data = await handle(services, principal, modelId, format as Format, action as Action, upload, requestId);
      send(200, { data });
    } catch (e) {
      // Drain what the client still sends, so that it reads the answer instead of a reset.
      req.resume();
      fail(e);
    }
  });
  return router;
}
