/**
 * One zod schema per Mutation field: the shape and bounds of its arguments (id patterns, string
 * lengths, list sizes, finite numbers in range), checked by {@link validateInputs} before the
 * resolver runs. A failure is the project's ValidationError (BAD_USER_INPUT) whose issue paths
 * name the argument, e.g. `input.name`, `placements[3].cost`, `patch.zoneIds[0]`.
 *
 * What this does not do: the deep checks of model and catalogue documents (references, domain
 * rules, JSON Schema) stay in domain/model-document.ts and domain/catalogue.ts; here `document`
 * is only "some JSON". GraphQL itself has already checked types, enums and non-null.
 *
 * Adding a mutation: add an entry to {@link MUTATION_INPUTS} with exactly its argument names
 * (and, for input objects, exactly their fields). Without one the server refuses to start and
 * test/unit/input-schemas.test.ts fails, naming the field.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { cvssVectorProblem } from '../domain/cvss';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { BIDI_MESSAGE, SURROGATE_MESSAGE, findIllFormedText, hasBidiControl } from '../domain/text';

// ---------------------------------------------------------------------------------------------
// Building blocks (exported for new schemas)
// ---------------------------------------------------------------------------------------------

/** Upper bound of every id list (zone ids, model scopes, start elements...). */
export const MAX_IDS = 1000;
/** Upper bound of placements per call (acceptRecommendation). */
export const MAX_PLACEMENTS = 1000;

const str = (what = 'a string') =>
  z.string({ error: (i) => (i.input === null ? 'must not be null' : `must be ${what}`) });

/** Element or model id: 1-64 letters, digits and _ . : - (as model-service's checkModelId and the exchange schema). */
export const id = str().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ . : -');
/**
 * A name: 1-200 characters, not blank (only spaces is refused, for every kind alike), without
 * bidi override, embedding or isolate characters (they reorder what the label shows).
 */
export const name = str()
  .max(200, 'must be at most 200 characters')
  .refine((s) => s.trim().length > 0, 'must not be blank')
  .refine((s) => !hasBidiControl(s), BIDI_MESSAGE);
/** Free text (descriptions, notes): at most 4000 characters. */
export const text = str().max(4000, 'must be at most 4000 characters');
/** A list of ids, at most `max` of them. */
export const idList = (max = MAX_IDS) => z.array(id).max(max, `must have at most ${max} ids`);
/**
 * An attack-graph node id (attack model v2): an element id, or `elementId#CAPABILITY`
 * (e.g. `as-pump-therapy#DENY`, `dev-srv#USER`).
 */
export const nodeId = str().regex(
  /^[A-Za-z0-9_.:-]{1,64}(#[A-Z_]{1,20})?$/,
  'must be an element id (1-64 characters of letters, digits, _ . : -), optionally followed by #CAPABILITY',
);
/** A list of node ids (targets, starting points), at most `max`. */
export const nodeIdList = (max = MAX_IDS) => z.array(nodeId).max(max, `must have at most ${max} ids`);
/** A list of GraphQL enum values (GraphQL checks the values), at most `max`. */
export const enumList = (max = 50) => z.array(z.string()).max(max, `must have at most ${max} values`);
const number = () => z.number({ error: (i) => (typeof i.input === 'number' ? 'must be finite' : 'must be a number') });
/** A cost in catalogue cost units: finite, 0 to 1e9. */
export const cost = number().min(0, 'must not be negative').max(1e9, 'must be at most 1e9');
/** A probability: finite, 0 to 1. */
export const probability = number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
/** A GraphQL JSON document: shape left to the domain's own (JSON Schema) validation. */
export const document = z.unknown();
/** A password being set: 12-256 characters (as auth-service's checkPassword). */
export const newPassword = str().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');
/** A password being checked: bounded so that hashing stays cheap. */
export const givenPassword = str().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
/** Local account username: 1-64 letters, digits and . _ @ - (as the SDL says). */
export const username = str().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 characters of letters, digits, . _ @ -');
/** An ISO-8601 date-time with an offset or Z, e.g. 2027-01-31T00:00:00Z. */
export const dateTime = str()
  .max(64, 'must be at most 64 characters')
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2027-01-31T00:00:00Z' }));

const bool = z.boolean({ error: (i) => (i.input === null ? 'must not be null' : 'must be true or false') });
const enumValue = str('a value of the enum');
const port = z.number().int().min(0, 'must be 0-65535').max(65535, 'must be 0-65535');
/** The arguments of a field, or the fields of an input object. */
const args = <T extends z.ZodRawShape>(shape: T) => z.object(shape);

// ---------------------------------------------------------------------------------------------
// Input objects (server/src/schema/*.graphql), in SDL order
// ---------------------------------------------------------------------------------------------

const ZoneInput = args({
  id: id.nullish(),
  name,
  kind: enumValue,
  entryPoint: bool,
  description: text.nullish(),
  physicalAccess: bool.nullish(),
  network: bool.nullish(),
  linkedZoneIds: idList().nullish(),
  linkedZoneServices: enumList().nullish(),
});
const ZonePatch = args({
  name: name.optional(),
  kind: enumValue.optional(),
  entryPoint: bool.optional(),
  description: text.nullish(),
  // null: back to the default of the zone's kind
  physicalAccess: bool.nullish(),
  network: bool.nullish(),
  linkedZoneIds: idList().nullish(),
  linkedZoneServices: enumList().nullish(),
});

/** IP or MAC addresses as typed (the domain normalises them and reports each bad one at its path). */
const addressList = z.array(str().max(64, 'must be at most 64 characters')).max(64, 'must have at most 64 addresses');

const DeviceInput = args({
  id: id.nullish(),
  name,
  category: enumValue,
  manufacturer: name.nullish(),
  modelName: name.nullish(),
  riskClass: enumValue,
  software: name.nullish(),
  generalPurposeOs: bool.nullish(),
  patchable: bool.nullish(),
  handlesPersonalData: bool.nullish(),
  storesData: bool.nullish(),
  remoteService: bool.nullish(),
  zoneIds: idList(),
  externalId: name.nullish(),
  ipAddresses: addressList.nullish(),
  macAddresses: addressList.nullish(),
  assetTag: name.nullish(),
  hostDeviceId: id.nullish(),
  outboundZoneIds: idList().nullish(),
  outboundAccepts: enumValue.nullish(),
  emergencyOperation: bool.nullish(),
});
const DevicePatch = args({
  name: name.optional(),
  category: enumValue.optional(),
  manufacturer: name.nullish(),
  modelName: name.nullish(),
  riskClass: enumValue.optional(),
  software: name.nullish(),
  generalPurposeOs: bool.optional(),
  patchable: bool.optional(),
  handlesPersonalData: bool.optional(),
  storesData: bool.optional(),
  remoteService: bool.optional(),
  zoneIds: idList().optional(),
  externalId: name.nullish(),
  ipAddresses: addressList.nullish(),
  macAddresses: addressList.nullish(),
  assetTag: name.nullish(),
  hostDeviceId: id.nullish(),
  outboundZoneIds: idList().nullish(),
  outboundAccepts: enumValue.nullish(),
  emergencyOperation: bool.nullish(),
});

const InterfaceInput = args({
  id: id.nullish(),
  deviceId: id,
  name,
  kind: enumValue,
  exposedToZoneIds: idList(),
  authentication: enumValue,
  port: port.nullish(),
  functions: enumList().nullish(),
});
const InterfacePatch = args({
  deviceId: id.optional(),
  name: name.optional(),
  kind: enumValue.optional(),
  exposedToZoneIds: idList().optional(),
  authentication: enumValue.optional(),
  port: port.nullish(),
  // null: back to the default of the interface's kind; [] = no function
  functions: enumList().nullish(),
});

const ChannelInput = args({
  id: id.nullish(),
  name,
  fromDeviceId: id,
  toDeviceId: id,
  fromInterfaceId: id.nullish(),
  toInterfaceId: id.nullish(),
  technology: enumValue,
  intrinsicMechanism: enumValue.nullish(),
  extrinsicMechanisms: enumList().nullish(),
  carries: enumList(),
  zoneIds: idList().nullish(),
  forwardedTo: idList().nullish(),
  endToEndIntegrity: bool.nullish(),
});
const ChannelPatch = args({
  name: name.optional(),
  fromDeviceId: id.optional(),
  toDeviceId: id.optional(),
  fromInterfaceId: id.nullish(),
  toInterfaceId: id.nullish(),
  technology: enumValue.optional(),
  intrinsicMechanism: enumValue.optional(),
  extrinsicMechanisms: enumList().optional(),
  carries: enumList().optional(),
  zoneIds: idList().optional(),
  forwardedTo: idList().nullish(),
  endToEndIntegrity: bool.nullish(),
});

/** Patients' records a disclosure exposes: an integer 1..100 000 000 (as the exchange schema). */
export const records = z
  .number({ error: (i) => (i.input === null ? 'must not be null' : 'must be a number') })
  .int('must be a whole number of records')
  .min(1, 'must be at least 1')
  .max(100_000_000, 'must be at most 100000000');
const AssetInput = args({
  id: id.nullish(),
  deviceId: id,
  name,
  kind: enumValue,
  severity: enumValue,
  manipulationSeverity: enumValue.nullish(),
  denialSeverity: enumValue.nullish(),
  disclosureRecords: records.nullish(),
});
const AssetPatch = args({
  deviceId: id.optional(),
  name: name.optional(),
  kind: enumValue.optional(),
  severity: enumValue.optional(),
  // null: back to the default of the asset's kind
  manipulationSeverity: enumValue.nullish(),
  denialSeverity: enumValue.nullish(),
  disclosureRecords: records.nullish(),
});

const cveId = str().regex(/^CVE-[0-9]{4}-[0-9]{4,12}$/, 'must be a CVE id such as CVE-2019-6538');
/**
 * A CVSS v3.0/v3.1 or v4.0 base vector (domain/cvss.ts): checked here so that the error names the
 * argument (`input.cvssVector`) and, for v4.0, the metric at fault.
 */
const cvssVector = str()
  .max(200, 'must be at most 200 characters')
  .superRefine((vector, ctx) => {
    const problem = cvssVectorProblem(vector);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const VulnerabilityInput = args({
  id: id.nullish(),
  cveId,
  cvssVector,
  elementId: id,
  description: text.nullish(),
});
const VulnerabilityPatch = args({
  cveId: cveId.optional(),
  cvssVector: cvssVector.optional(),
  elementId: id.optional(),
  description: text.nullish(),
});

const ControlPlacementInput = args({
  id: id.nullish(),
  controlId: id,
  elementId: id,
  status: enumValue.nullish(),
  cost: cost.nullish(),
  note: text.nullish(),
});
const ControlPlacementPatch = args({
  controlId: id.optional(),
  elementId: id.optional(),
  status: enumValue.optional(),
  cost: cost.nullish(),
  note: text.nullish(),
});

const PlacementInput = args({ controlId: id, elementId: id, cost: cost.nullish() });

/**
 * An item of upsertDevices: only its field names here. Each item is checked on its own by the
 * domain (domain/inventory.ts), so that one bad item is reported in the result's `errors` and the
 * others are written; a check here would refuse the whole call.
 */
const DeviceUpsertInput = args({
  externalId: z.unknown().optional(),
  id: z.unknown().optional(),
  name: z.unknown().optional(),
  category: z.unknown().optional(),
  manufacturer: z.unknown().optional(),
  modelName: z.unknown().optional(),
  riskClass: z.unknown().optional(),
  software: z.unknown().optional(),
  softwareVersion: z.unknown().optional(),
  generalPurposeOs: z.unknown().optional(),
  patchable: z.unknown().optional(),
  handlesPersonalData: z.unknown().optional(),
  storesData: z.unknown().optional(),
  remoteService: z.unknown().optional(),
  zoneIds: z.array(z.unknown()).nullish(),
  ipAddresses: z.array(z.unknown()).nullish(),
  macAddresses: z.array(z.unknown()).nullish(),
  assetTag: z.unknown().optional(),
  hostDeviceId: z.unknown().optional(),
  outboundZoneIds: z.array(z.unknown()).nullish(),
  outboundAccepts: z.unknown().optional(),
  emergencyOperation: z.unknown().optional(),
});

const UserInput = args({
  username,
  displayName: name.nullish(),
  password: newPassword,
  role: enumValue,
  modelIds: idList().nullish(),
});
const UserPatch = args({
  displayName: name.nullish(),
  role: enumValue.nullish(),
  modelIds: idList().nullish(),
  disabled: bool.nullish(),
  password: newPassword.nullish(),
});
const ApiKeyInput = args({ name, role: enumValue, modelIds: idList().nullish(), expiresAt: dateTime.nullish() });

/** Optimistic concurrency: the model version the client last loaded (a model version is ≥ 0). */
const expectedVersion = z.number().int('must be an integer').min(0, 'must be at least 0').nullish();

/** create/update/delete arguments of one element kind. */
function crud(typeName: string, input: z.ZodType, patch: z.ZodType): Record<string, z.ZodType> {
  return {
    [`create${typeName}`]: args({ modelId: id, input, expectedVersion }),
    [`update${typeName}`]: args({ modelId: id, id, patch, expectedVersion }),
    [`delete${typeName}`]: args({ modelId: id, id, expectedVersion }),
  };
}

// ---------------------------------------------------------------------------------------------
// Mutation field → schema of its arguments
// ---------------------------------------------------------------------------------------------

/** Ids of an import preview's devices or changes (e.g. "vuln:pump-3:CVE-2021-33885"): at most 10 000, each 1-200 characters. */
const changeIds = z
  .array(str().min(1, 'must not be empty').max(200, 'must be at most 200 characters'))
  .max(10_000, 'must have at most 10000 ids');

/** The arguments of every Mutation field. Keys: field names; schema keys: argument names. */
export const MUTATION_INPUTS: Readonly<Record<string, z.ZodType>> = Object.freeze({
  // models (schema/model.graphql)
  importModel: args({ document, replace: bool.nullish(), targetModelId: id.nullish(), expectedVersion }),
  createModel: args({ id, name, description: text.nullish() }),
  updateModel: args({ id, name: name.optional(), description: text.nullish(), expectedVersion }),
  deleteModel: args({ id, expectedVersion }),
  ...crud('Zone', ZoneInput, ZonePatch),
  ...crud('Device', DeviceInput, DevicePatch),
  ...crud('Interface', InterfaceInput, InterfacePatch),
  ...crud('Channel', ChannelInput, ChannelPatch),
  ...crud('Asset', AssetInput, AssetPatch),
  ...crud('Vulnerability', VulnerabilityInput, VulnerabilityPatch),
  ...crud('ControlPlacement', ControlPlacementInput, ControlPlacementPatch),
  // analysis (schema/analysis.graphql)
  acceptRecommendation: args({
    modelId: id,
    placements: z.array(PlacementInput).max(MAX_PLACEMENTS, `must have at most ${MAX_PLACEMENTS} placements`),
    expectedVersion,
  }),
  // snapshots (schema/history.graphql)
  createSnapshot: args({
    modelId: id,
    // lengths after trimming, as history-service counts them
    name: str()
      .max(4000, 'must be at most 100 characters')
      .refine((v) => v.trim().length > 0, 'must not be blank')
      .refine((v) => v.trim().length <= 100, 'must be at most 100 characters')
      .refine((v) => !hasBidiControl(v), BIDI_MESSAGE),
    note: str()
      .max(8000, 'must be at most 2000 characters')
      .refine((v) => v.trim().length <= 2000, 'must be at most 2000 characters')
      .nullish(),
  }),
  deleteSnapshot: args({ modelId: id, id }),
  // inventory integration (schema/integration.graphql): the domain's limits, so the messages agree
  upsertDevices: args({
    modelId: id,
    devices: z
      .array(DeviceUpsertInput)
      .max(10_000, 'must have at most 10000 devices; split the feed into several calls'),
    batchSize: z.number().int('must be an integer').min(1, 'must be 1-2000').max(2000, 'must be 1-2000').nullish(),
    expectedVersion,
  }),
  // evidence imports (schema/imports.graphql): the file is checked by its importer
  commitCsafImport: args({
    modelId: id,
    document,
    confirm: changeIds.nullish(),
    skip: changeIds.nullish(),
    expectedVersion: z.number().int('must be an integer').min(0, 'must not be negative').nullish(),
    fileName: name.nullish(),
  }),
  commitCycloneDxImport: args({
    modelId: id,
    deviceId: id,
    document,
    skip: changeIds.nullish(),
    expectedVersion: z.number().int('must be an integer').min(0, 'must not be negative').nullish(),
    fileName: name.nullish(),
  }),
  // catalogue (schema/catalogue.graphql)
  loadCatalogue: args({ document }),
  // accounts and keys (schema/auth.graphql)
  login: args({
    username: str().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
    password: givenPassword,
  }),
  changePassword: args({ currentPassword: givenPassword, newPassword }),
  logout: args({}),
  logoutEverywhere: args({}),
  createUser: args({ input: UserInput }),
  updateUser: args({ id, patch: UserPatch }),
  createApiKey: args({ input: ApiKeyInput }),
  revokeApiKey: args({ id }),
});

/** A free-form query string (search text, identifiers to look up, cursors): at most `max` characters. */
const queryText = (max: number) => str().max(max, `must be at most ${max} characters`);
const first = z.number().int('must be an integer').nullish();

/**
 * Arguments of query fields that take ids or free text, keyed `Type.field` (Query and the fields
 * below it). Other arguments are left to GraphQL's types and the services' range checks. Objects
 * are not strict: arguments not listed are not checked here.
 */
export const FIELD_INPUTS: Readonly<Record<string, z.ZodType>> = Object.freeze({
  'Query.model': args({ id }),
  'Query.previewCsafImport': args({ modelId: id, fileName: name.nullish() }),
  'Query.advisoryWatch': args({
    modelId: id,
    fileNames: z.array(name).max(20).nullish(),
    confirm: z.array(id).max(10_000).nullish(),
    k: z.number().int().min(1).max(5).nullish(),
  }),
  'Query.previewCycloneDxImport': args({ modelId: id, deviceId: id, fileName: name.nullish() }),
  'Query.exportModel': args({ id }),
  'Query.modelDiff': args({ modelId: id }),
  'Query.auditEvents': args({
    modelId: id.nullish(),
    actorId: queryText(256).nullish(),
    action: queryText(64).nullish(),
    first,
    after: queryText(256).nullish(),
  }),
  'ThreatModel.element': args({ id }),
  'ThreatModel.snapshot': args({ id }),
  'ThreatModel.devices': args({
    after: queryText(256).nullish(),
    filter: args({ zoneId: id.nullish(), category: enumValue.nullish(), search: queryText(200).nullish() }).nullish(),
  }),
  'ThreatModel.interfaces': args({ deviceId: id.nullish(), after: queryText(256).nullish() }),
  'ThreatModel.channels': args({ deviceId: id.nullish(), after: queryText(256).nullish() }),
  'ThreatModel.assets': args({ after: queryText(256).nullish() }),
  'ThreatModel.vulnerabilities': args({ after: queryText(256).nullish() }),
  'ThreatModel.controlPlacements': args({ after: queryText(256).nullish() }),
  'ThreatModel.attackGraph': args({ fromElementIds: nodeIdList().nullish() }),
  'ThreatModel.attackPaths': args({ targetIds: nodeIdList().nullish(), fromElementIds: nodeIdList().nullish() }),
  'ThreatModel.whatIf': args({
    placements: z.array(PlacementInput).max(MAX_PLACEMENTS, `must have at most ${MAX_PLACEMENTS} placements`),
    fromElementIds: nodeIdList().nullish(),
  }),
  'ThreatModel.recommendControls': args({ fromElementIds: nodeIdList().nullish() }),
  'ThreatModel.costRiskCurve': args({ fromElementIds: nodeIdList().nullish() }),
  'ThreatModel.baselineGaps': args({ deviceId: id.nullish() }),
  'ThreatModel.devicesByIdentifier': args({
    externalId: queryText(200).nullish(),
    ipAddress: queryText(64).nullish(),
    macAddress: queryText(64).nullish(),
    assetTag: queryText(200).nullish(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/** zod path → the project's path syntax: `input.zoneIds[0]`, `placements[3].cost`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Refuses ill-formed UTF-16 anywhere in the arguments (strings and object keys, JSON documents
 * included): a lone surrogate would be stored as U+FFFD, not as sent.
 * @throws ValidationError naming the first such argument path
 */
export function checkText(args: unknown): void {
  const bad = findIllFormedText(args ?? {});
  if (bad !== null) throw new ValidationError(SURROGATE_MESSAGE, bad);
}

/**
 * Checks the arguments of Mutation field `field` against its schema (and {@link checkText}).
 * @throws ValidationError listing every problem, paths naming the argument (first one in `field`)
 * @throws Error when the field has no schema (a programming error, not the client's)
 */
export function checkMutationArgs(field: string, args: unknown): void {
  const schema = MUTATION_INPUTS[field];
  if (!schema) throw new Error(`Mutation.${field} has no input schema (resolvers/input-schemas.ts)`);
  checkText(args);
  const result = schema.safeParse(args ?? {});
  if (result.success) return;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new ValidationError(issues);
}

type Resolver = (parent: unknown, args: Record<string, unknown>, ctx: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * Wraps every Mutation resolver so that its arguments are checked ({@link checkMutationArgs})
 * before it runs; the resolver gets the arguments unchanged. Throws at start-up, naming them,
 * when resolvers have no schema in {@link MUTATION_INPUTS}.
 */
export function validateInputs<T extends Record<string, (...args: never[]) => unknown>>(resolvers: T): T {
  const missing = Object.keys(resolvers).filter((f) => !MUTATION_INPUTS[f]);
  if (missing.length) {
    throw new Error(`Mutation fields without an input schema (resolvers/input-schemas.ts): ${missing.join(', ')}`);
  }
  return Object.fromEntries(
    Object.entries(resolvers).map(([field, resolve]) => {
      const inner = resolve as unknown as Resolver;
      const checked: Resolver = (parent, a, ctx, info) => {
        checkMutationArgs(field, a);
        return inner(parent, a, ctx, info);
      };
      return [field, checked];
    }),
  ) as unknown as T;
}

/**
 * Wraps the resolvers of object type `type` (Query, ThreatModel, ...) so that every call's
 * arguments are checked first: well-formed text always ({@link checkText}), and the field's
 * schema in {@link FIELD_INPUTS} when it has one. The resolver gets the arguments unchanged.
 * @throws ValidationError (BAD_USER_INPUT) with the argument paths; messages never echo the value
 */
export function validateFieldInputs<T extends Record<string, unknown>>(type: string, resolvers: T): T {
  return Object.fromEntries(
    Object.entries(resolvers).map(([field, resolve]) => {
      if (typeof resolve !== 'function') return [field, resolve];
      const inner = resolve as Resolver;
      const schema = FIELD_INPUTS[`${type}.${field}`];
      const checked: Resolver = (parent, a, ctx, info) => {
        checkText(a);
        if (schema) {
          const result = schema.safeParse(a ?? {});
          if (!result.success) {
            throw new ValidationError(
              result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
            );
          }
        }
        return inner(parent, a, ctx, info);
      };
      return [field, checked];
    }),
  ) as unknown as T;
}
