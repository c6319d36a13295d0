/** Configuration of the advisory webhook and the upload size (server/src/config.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/src/config';

const BASE = { NEO4J_URI: 'bolt://127.0.0.1:7687' };

describe('webhook configuration', () => {
  it('is off without a URL', () => {
    expect(loadConfig({ ...BASE }).webhook).toBeUndefined();
  });

  it('reads URL, threshold, secret (also from a file), timeout and attempts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-config-'));
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, 'from-a-file-0123456789\n');
    const config = loadConfig({
      ...BASE,
      MEDTHREAT_WEBHOOK_URL: 'https://tickets.hospital.example/hooks/medthreat',
      MEDTHREAT_WEBHOOK_MIN_SEVERITY: 'CRITICAL',
      MEDTHREAT_WEBHOOK_SECRET_FILE: file,
      MEDTHREAT_WEBHOOK_TIMEOUT_MS: '2500',
      MEDTHREAT_WEBHOOK_ATTEMPTS: '5',
    });
    expect(config.webhook).toEqual({
      url: 'https://tickets.hospital.example/hooks/medthreat',
      minSeverity: 'CRITICAL',
      secret: 'from-a-file-0123456789',
      timeoutMs: 2500,
      attempts: 5,
      backoffMs: 1000,
    });
    expect(loadConfig({ ...BASE, MEDTHREAT_WEBHOOK_URL: 'http://127.0.0.1:9/x' }).webhook).toMatchObject({
      minSeverity: 'SERIOUS',
      attempts: 3,
      timeoutMs: 5000,
    });
  });

  it('refuses a URL that is not http(s), an unknown severity and a short secret, naming the variable', () => {
    expect(() => loadConfig({ ...BASE, MEDTHREAT_WEBHOOK_URL: 'file:///etc/passwd' })).toThrow(
      /MEDTHREAT_WEBHOOK_URL: must be an http/,
    );
    expect(() =>
      loadConfig({ ...BASE, MEDTHREAT_WEBHOOK_URL: 'https://x.example/', MEDTHREAT_WEBHOOK_MIN_SEVERITY: 'HIGH' }),
    ).toThrow(/MEDTHREAT_WEBHOOK_MIN_SEVERITY/);
    expect(() =>
      loadConfig({ ...BASE, MEDTHREAT_WEBHOOK_URL: 'https://x.example/', MEDTHREAT_WEBHOOK_SECRET: 'short' }),
    ).toThrow(/MEDTHREAT_WEBHOOK_SECRET: must be at least 16/);
  });
});

describe('upload size', () => {
  it('defaults to 10 MiB and refuses nonsense', () => {
    expect(loadConfig({ ...BASE }).maxUploadBytes).toBe(10 * 1024 * 1024);
    expect(loadConfig({ ...BASE, MEDTHREAT_UPLOAD_MAX_BYTES: '2048' }).maxUploadBytes).toBe(2048);
    expect(() => loadConfig({ ...BASE, MEDTHREAT_UPLOAD_MAX_BYTES: 'lots' })).toThrow(/MEDTHREAT_UPLOAD_MAX_BYTES/);
  });
});

describe('first admin password', () => {
  it('names where it came from: the variable, or the file with its path', () => {
    expect(loadConfig({ ...BASE }).auth.adminPasswordSource).toBeUndefined();
    const direct = loadConfig({ ...BASE, MEDTHREAT_ADMIN_PASSWORD: 'correct horse battery' }).auth;
    expect(direct).toMatchObject({
      adminPassword: 'correct horse battery',
      adminPasswordSource: 'MEDTHREAT_ADMIN_PASSWORD',
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mt-admin-')), 'pw');
    fs.writeFileSync(file, 'staple battery horse\n');
    const fromFile = loadConfig({ ...BASE, MEDTHREAT_ADMIN_PASSWORD_FILE: file }).auth;
    expect(fromFile).toMatchObject({
      adminPassword: 'staple battery horse',
      adminPasswordSource: `MEDTHREAT_ADMIN_PASSWORD_FILE (${file})`,
    });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
