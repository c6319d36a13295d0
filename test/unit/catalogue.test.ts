import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue, mitigationIndex, validateCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError, type FieldIssue } from '../../server/src/domain/errors';
import {
  BASELINE_CONDITIONS,
  CHANNEL_TECHNOLOGIES,
  CONTROL_KINDS,
  DEVICE_CATEGORIES,
  ELEMENT_TYPES,
  INTERFACE_KINDS,
  PROVENANCE_STATUSES,
  REQUIREMENT_LEVELS,
  RISK_CLASSES,
  STRIDE,
  type Catalogue,
  controlEffect,
} from '../../server/src/domain/types';

const REPO = path.resolve(__dirname, '../..');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'seeds/catalogue.schema.json'), 'utf8')) as {
  $id: string;
  $defs: Record<string, { enum?: string[] }>;
};

const CAPABILITY_CODES = [
  'ALOF',
  'AUDT',
  'AUTH',
  'CNFS',
  'CSUP',
  'DIDT',
  'DTBK',
  'EMRG',
  'IGAU',
  'MLDP',
  'NAUT',
  'PAUT',
  'PLOK',
  'RDMP',
  'SAHD',
  'SGUD',
  'STCF',
  'TXCF',
  'TXIG',
];

const bundled = loadBundledCatalogue();
const fresh = (): Catalogue => structuredClone(bundled);
const control = (c: Catalogue, id: string) => {
  const found = c.controls.find((x) => x.id === id);
  if (!found) throw new Error(`no control ${id}`);
  return found;
};

/** Runs the validator and returns the issues of the ValidationError it must throw. */
function issuesOf(doc: unknown): FieldIssue[] {
  try {
    validateCatalogue(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.field).toBe(err.issues[0]?.path || undefined); // ValidationError leaves field unset for the root path
    return err.issues;
  }
  throw new Error('validateCatalogue accepted an invalid catalogue');
}
const paths = (issues: FieldIssue[]) => issues.map((i) => i.path);

describe('bundled TR 67 catalogue', () => {
  it('validates and carries version 2026.12.3', () => {
    expect(() => validateCatalogue(fresh())).not.toThrow();
    expect(bundled.catalogueVersion).toBe('2026.12.3');
  });

  it('has exactly the 19 IEC TR 80001-2-2 capabilities, each CONFIRMED', () => {
    expect(bundled.securityCapabilities.map((c) => c.code).sort()).toEqual(CAPABILITY_CODES);
    for (const c of bundled.securityCapabilities) {
      expect(c.provenance.status).toBe('CONFIRMED');
      expect(c.provenance.source).toContain(`IEC TR 80001-2-2:2012, security capability ${c.code}`);
    }
  });

  it('has at least 30 controls C01.. and 15 attack methods AM01.., in our id conventions', () => {
    expect(bundled.controls.length).toBeGreaterThanOrEqual(30);
    expect(bundled.attackMethods.length).toBeGreaterThanOrEqual(15);
    expect(bundled.controls.map((c) => c.id)).toEqual(
      Array.from({ length: 32 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`),
    );
    expect(bundled.attackMethods.map((m) => m.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `AM${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('has one baseline per risk class A-D, every requirement satisfiable by a control', () => {
    expect(bundled.riskClassBaselines.map((b) => b.riskClass)).toEqual(['A', 'B', 'C', 'D']);
    for (const b of bundled.riskClassBaselines) {
      for (const r of b.requirements) {
        expect(r.controlIds.length).toBeGreaterThan(0);
        expect(r.conditions.length > 0).toBe(r.level === 'CONDITIONAL');
      }
    }
    // Expectations rise with the class: class D requires at least as many domains as class A.
    const required = (rc: string) =>
      bundled.riskClassBaselines.find((b) => b.riskClass === rc)!.requirements.filter((r) => r.level === 'REQUIRED')
        .length;
    expect(required('D')).toBeGreaterThan(required('A'));
  });

  it('gives every entry a provenance with a source', () => {
    const entries = [
      ...bundled.securityCapabilities,
      ...bundled.attackMethods,
      ...bundled.controls,
      ...bundled.riskClassBaselines,
      ...bundled.telehealthControls,
      ...bundled.deviceExamples,
    ];
    for (const e of entries) {
      expect(PROVENANCE_STATUSES).toContain(e.provenance.status);
      expect(e.provenance.source.length).toBeGreaterThan(10);
    }
    for (const m of bundled.attackMethods) {
      expect(m.provenance).toEqual(expect.objectContaining({ status: 'RECONSTRUCTED' }));
      expect(m.provenance.source).toMatch(/^TR 67:2018 Annex B \(reconstructed; not public\) — cf\. /);
    }
  });

  describe('control effects (controls v2)', () => {
    it('gives every (control, attack method) pair one effect with its reasoning; REDUCES carries a factor in (0, 1)', () => {
      for (const c of bundled.controls) {
        expect(c.effects.length).toBeGreaterThan(0);
        expect(new Set(c.effects.map((e) => e.attackMethodId)).size).toBe(c.effects.length);
        for (const e of c.effects) {
          expect(e.rationale.length).toBeGreaterThan(10);
          if (e.effect === 'REDUCES') expect(e.factor! > 0 && e.factor! < 1).toBe(true);
          else expect(e.factor).toBeUndefined();
        }
      }
    });
    it('documentation, roadmaps, SBOMs, training and guidance prevent nothing', () => {
      for (const id of ['C16', 'C18', 'C32'])
        expect(control(bundled, id).effects.filter((e) => e.effect === 'PREVENTS')).toEqual([]);
    });
    it('idle lock, anti-malware and the SBOM do not prevent unauthenticated access or stolen credentials', () => {
      for (const id of ['C01', 'C11', 'C16', 'C06'])
        for (const m of ['AM05', 'AM06']) expect(controlEffect(control(bundled, id), m)?.effect).not.toBe('PREVENTS');
      expect(controlEffect(control(bundled, 'C14'), 'AM05')?.effect).toBe('PREVENTS');
      expect(controlEffect(control(bundled, 'C04'), 'AM05')?.effect).toBe('PREVENTS');
    });
    it('firewall, passwords and TLS need IP or a user session, so they never fit an implant radio', () => {
      expect(control(bundled, 'C13').elementConditions).toContain('IP_BASED');
      expect(control(bundled, 'C20').elementConditions).toContain('IP_BASED');
      expect(control(bundled, 'C14').elementConditions).toContain('USER_SESSION');
      expect(control(bundled, 'C15').elementConditions).toEqual(
        expect.arrayContaining(['NOT_IMPLANTED', 'NOT_BODY_WORN']),
      );
    });
    it('reads an older catalogue with mitigates instead of effects as PREVENTS, saying so', () => {
      const old = fresh() as unknown as { controls: Record<string, unknown>[] };
      for (const c of old.controls) {
        c.mitigates = (c.effects as { attackMethodId: string }[]).map((e) => e.attackMethodId);
        delete c.effects;
      }
      const read = validateCatalogue(old);
      const c14 = read.controls.find((c) => c.id === 'C16')!;
      expect(c14.effects.every((e) => e.effect === 'PREVENTS' && /mitigates/.test(e.rationale))).toBe(true);
    });
  });

  it('models the wireless intrinsic controls C22-C25 and extrinsic C26-C27 on channels', () => {
    const intrinsic: Record<string, string> = { C22: 'WIFI', C23: 'BLE', C24: 'ZIGBEE', C25: 'LORA' };
    for (const [id, tech] of Object.entries(intrinsic)) {
      const c = control(bundled, id);
      expect(c.kind).toBe('WIRELESS_INTRINSIC');
      expect(c.technologies).toEqual([tech]);
      expect(c.appliesTo).toContain('CHANNEL');
      expect(controlEffect(c, 'AM14')?.effect).toBe('PREVENTS');
    }
    for (const id of ['C26', 'C27']) {
      const c = control(bundled, id);
      expect(c.kind).toBe('WIRELESS_EXTRINSIC');
      expect(c.technologies).toBeUndefined(); // extrinsic = independent of the radio
      expect(c.appliesTo).toContain('CHANNEL');
    }
    expect(control(bundled, 'C27').appliesTo).toContain('INTERFACE');
    for (const id of ['C22', 'C23', 'C24', 'C25', 'C26', 'C27']) {
      expect(control(bundled, id).provenance.source).toBe(
        'TR 67:2018 §0 Introduction (wireless intrinsic/extrinsic mechanisms)',
      );
    }
  });

  it('lets every attack method be blocked on each type it targets', () => {
    const index = mitigationIndex(bundled);
    for (const m of bundled.attackMethods) {
      for (const target of m.targets) {
        const placeable = (index.get(m.id) ?? []).filter((c) => c.appliesTo.includes(target));
        expect({ method: m.id, target, placeable: placeable.length > 0 }).toEqual({
          method: m.id,
          target,
          placeable: true,
        });
      }
    }
    expect(index.get('AM19')!.map((c) => c.id)).toEqual(expect.arrayContaining(['C13', 'C29']));
  });

  it('has telehealth controls for Wi-Fi, BLE, Zigbee, LoRa and cellular, and 3+ device examples per class', () => {
    const techs = new Set(bundled.telehealthControls.map((t) => t.technology));
    for (const t of ['WIFI', 'BLE', 'ZIGBEE', 'LORA', 'CELLULAR']) expect(techs).toContain(t);
    for (const rc of RISK_CLASSES) {
      expect(bundled.deviceExamples.filter((d) => d.riskClass === rc).length).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('catalogue schema', () => {
  it('has the agreed $id', () => {
    expect(SCHEMA.$id).toBe('https://medthreat.example/schemas/catalogue-1.json');
  });

  it.each([
    ['riskClass', RISK_CLASSES],
    ['elementType', ELEMENT_TYPES],
    ['stride', STRIDE],
    ['provenanceStatus', PROVENANCE_STATUSES],
    ['deviceCategory', DEVICE_CATEGORIES],
    ['interfaceKind', INTERFACE_KINDS],
    ['channelTechnology', CHANNEL_TECHNOLOGIES],
    ['baselineCondition', BASELINE_CONDITIONS],
    ['requirementLevel', REQUIREMENT_LEVELS],
    ['controlKind', CONTROL_KINDS],
  ] as const)('enum %s matches types.ts', (def, values) => {
    expect(SCHEMA.$defs[def]?.enum).toEqual([...values]);
  });
});

describe('validateCatalogue rejects', () => {
  it('an unknown capability code in a control', () => {
    const c = fresh();
    c.controls[4]!.capabilityCodes[0] = 'XXXX';
    const issues = issuesOf(c);
    expect(issues).toEqual([
      { path: 'controls[4].capabilityCodes[0]', message: expect.stringContaining('unknown capability code "XXXX"') },
    ]);
  });

  it('a dangling effect attack method id', () => {
    const c = fresh();
    c.controls[4]!.effects[1]!.attackMethodId = 'AM99';
    expect(issuesOf(c)).toEqual([
      { path: 'controls[4].effects[1].attackMethodId', message: expect.stringContaining('"AM99"') },
    ]);
  });

  it('two effects of one control on the same attack method', () => {
    const c = fresh();
    c.controls[4]!.effects[1]!.attackMethodId = c.controls[4]!.effects[0]!.attackMethodId;
    expect(paths(issuesOf(c))).toEqual(['controls[4].effects[1].attackMethodId']);
  });

  it('a REDUCES effect without a factor, and a factor on PREVENTS', () => {
    const c = fresh();
    const reduces = c.controls[0]!.effects.find((e) => e.effect === 'REDUCES')!;
    delete reduces.factor;
    const prevents = c.controls.find((x) => x.id === 'C14')!.effects.find((e) => e.effect === 'PREVENTS')!;
    prevents.factor = 0.5;
    const c14 = c.controls.findIndex((x) => x.id === 'C14');
    const at = c.controls[c14]!.effects.indexOf(prevents);
    expect(paths(issuesOf(c))).toEqual(
      expect.arrayContaining([
        `controls[0].effects[${c.controls[0]!.effects.indexOf(reduces)}].factor`,
        `controls[${c14}].effects[${at}]`,
      ]),
    );
  });

  it('a duplicate control id', () => {
    const c = fresh();
    c.controls.push({ ...structuredClone(c.controls[7]!), id: c.controls[4]!.id });
    const issues = issuesOf(c);
    expect(paths(issues)).toEqual([`controls[${c.controls.length - 1}].id`]);
    expect(issues[0]!.message).toContain('first used at controls[4]');
  });

  it('a missing risk class D baseline', () => {
    const c = fresh();
    c.riskClassBaselines = c.riskClassBaselines.filter((b) => b.riskClass !== 'D');
    expect(issuesOf(c)).toEqual([{ path: 'riskClassBaselines', message: 'no baseline for risk class D: add one' }]);
  });

  it('a second baseline for the same class', () => {
    const c = fresh();
    c.riskClassBaselines[3]!.riskClass = 'C';
    expect(paths(issuesOf(c))).toEqual(['riskClassBaselines[3].riskClass', 'riskClassBaselines']);
  });

  it('baseLikelihood 1.5 (schema)', () => {
    const c = fresh();
    c.attackMethods[0]!.baseLikelihood = 1.5;
    expect(paths(issuesOf(c))).toEqual(['attackMethods[0].baseLikelihood']);
  });

  it('baseLikelihood 0 and defaultCost 0', () => {
    const c = fresh();
    c.attackMethods[2]!.baseLikelihood = 0;
    c.controls[7]!.defaultCost = 0;
    expect(paths(issuesOf(c))).toEqual(['attackMethods[2].baseLikelihood', 'controls[7].defaultCost']);
  });

  it('unknown properties, missing fields and bad enums, all at once', () => {
    const c = fresh() as unknown as Record<string, unknown> & Catalogue;
    (c.controls[0] as unknown as Record<string, unknown>).colour = 'red';
    delete (c.attackMethods[3] as Partial<Catalogue['attackMethods'][number]>).stride;
    (c.controls[1]!.appliesTo as string[])[0] = 'ROOM';
    const issues = issuesOf(c);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'controls[0].colour', message: expect.stringContaining('remove it') },
        { path: 'attackMethods[3].stride', message: 'is required: add it' },
        {
          path: 'controls[1].appliesTo[0]',
          message: expect.stringContaining('ZONE, DEVICE, INTERFACE, CHANNEL, ASSET'),
        },
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it('an id that does not fit the id pattern, but accepts other licensed-catalogue ids', () => {
    const c = fresh();
    c.deviceExamples[0]!.id = 'has space';
    expect(paths(issuesOf(c))).toEqual(['deviceExamples[0].id']);

    const licensed = fresh();
    licensed.attackMethods[0]!.id = 'B.1-eavesdrop';
    for (const ctl of licensed.controls)
      for (const e of ctl.effects) if (e.attackMethodId === 'AM01') e.attackMethodId = 'B.1-eavesdrop';
    expect(() => validateCatalogue(licensed)).not.toThrow();
  });

  it('conditions on a REQUIRED requirement, and a CONDITIONAL one without conditions', () => {
    const c = fresh();
    const reqs = c.riskClassBaselines[0]!.requirements;
    const required = reqs.findIndex((r) => r.level === 'REQUIRED');
    const conditional = reqs.findIndex((r) => r.level === 'CONDITIONAL');
    reqs[required]!.conditions = ['STORES_DATA'];
    reqs[conditional]!.conditions = [];
    expect(paths(issuesOf(c)).sort()).toEqual(
      [
        `riskClassBaselines[0].requirements[${required}].conditions`,
        `riskClassBaselines[0].requirements[${conditional}].conditions`,
      ].sort(),
    );
  });

  it('dangling baseline and telehealth control ids', () => {
    const c = fresh();
    c.riskClassBaselines[1]!.requirements[2]!.controlIds = ['C17', 'C99'];
    c.telehealthControls[0]!.controlIds[0] = 'C77';
    expect(paths(issuesOf(c))).toEqual([
      'riskClassBaselines[1].requirements[2].controlIds[1]',
      'telehealthControls[0].controlIds[0]',
    ]);
  });

  it('technologies on a control that cannot be placed on a channel', () => {
    const c = fresh();
    const i = c.controls.findIndex((x) => x.id === 'C22');
    c.controls[i]!.appliesTo = ['INTERFACE'];
    expect(paths(issuesOf(c))).toEqual([`controls[${i}].technologies`]);
  });

  it('an attack method target no mitigating control can be placed on', () => {
    const c = fresh();
    const am19 = c.attackMethods.findIndex((m) => m.id === 'AM19');
    for (const ctl of c.controls)
      if (ctl.appliesTo.includes('ZONE')) ctl.effects = ctl.effects.filter((e) => e.attackMethodId !== 'AM19');
    const issues = issuesOf(c);
    expect(issues).toEqual([{ path: `attackMethods[${am19}].targets[0]`, message: expect.stringContaining('ZONE') }]);
  });

  it('a channel target that only technology-restricted controls mitigate', () => {
    const c = fresh();
    const am14 = c.attackMethods.findIndex((m) => m.id === 'AM14');
    for (const id of ['C26', 'C27'])
      control(c, id).effects = control(c, id).effects.filter((e) => e.attackMethodId !== 'AM14');
    const issues = issuesOf(c);
    expect(paths(issues)).toEqual([`attackMethods[${am14}].targets[0]`]);
    expect(issues[0]!.message).toMatch(/ETHERNET.*cannot be blocked/);
  });

  it.each([null, [], 'catalogue', 42])('a document that is not an object (%p)', (doc) => {
    expect(issuesOf(doc)).toEqual([{ path: '', message: 'must be object' }]);
  });
});
