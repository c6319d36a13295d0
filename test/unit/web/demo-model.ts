/** The demo hospital seed as the web app's ModelData (optional fields filled with null). */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelData } from '../../../web/src/graph/model-index';

type Row = Record<string, unknown>;

const nulls = (row: Row, keys: string[]): Row => {
  const out: Row = { ...row };
  for (const k of keys) if (out[k] === undefined) out[k] = null;
  return out;
};

export function demoModel(): ModelData {
  const doc = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../../seeds/demo-hospital.json'), 'utf8'),
  ) as Record<string, Row[]>;
  return {
    zones: doc.zones!.map((z) => nulls(z, ['description'])),
    devices: doc.devices!.map((d) => nulls(d, ['manufacturer', 'modelName', 'software', 'externalId'])),
    interfaces: doc.interfaces!.map((i) => nulls(i, ['port'])),
    channels: doc.channels!.map((c) =>
      nulls({ extrinsicMechanisms: [], zoneIds: [], intrinsicMechanism: 'NONE', ...c }, [
        'fromInterfaceId',
        'toInterfaceId',
      ]),
    ),
    assets: doc.assets!,
    vulnerabilities: doc.vulnerabilities!.map((v) => nulls({ cvssBaseScore: 0, ...v }, ['description'])),
    controlPlacements: doc.controlPlacements!.map((p) =>
      nulls({ status: 'PLANNED', effectiveCost: 0, ...p }, ['cost', 'note']),
    ),
  } as unknown as ModelData;
}
