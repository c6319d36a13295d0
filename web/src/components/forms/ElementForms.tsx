/**
 * Workshop forms: create and edit zones, devices, interfaces, channels, assets, vulnerabilities and
 * control placements. Client rules catch the obvious; the server validates everything and its
 * errors (extensions.field / extensions.issues paths such as "input.zoneIds[0]") land on the field.
 */
import { useState, type ReactNode } from 'react';
import { FormProvider, useForm, type DefaultValues, type FieldValues, type Path } from 'react-hook-form';
import {
  AssetKind,
  Authentication,
  ChannelPayload,
  ChannelTechnology,
  CreateAssetDocument,
  CreateChannelDocument,
  CreateControlPlacementDocument,
  CreateDeviceDocument,
  CreateInterfaceDocument,
  CreateVulnerabilityDocument,
  CreateZoneDocument,
  DeviceCategory,
  OutboundAccepts,
  ExtrinsicMechanism,
  InterfaceKind,
  IntrinsicMechanism,
  PlacementStatus,
  type InterfaceFunction,
  type Severity,
  RiskClass,
  UpdateAssetDocument,
  UpdateChannelDocument,
  UpdateControlPlacementDocument,
  UpdateDeviceDocument,
  UpdateInterfaceDocument,
  UpdateVulnerabilityDocument,
  UpdateZoneDocument,
  ZoneKind,
  type ElementType,
} from '../../api/__generated__/graphql';
import { mutate } from '../../api/client';
import { fieldErrors, GraphQLRequestError } from '../../api/errors';
import type { Catalogue } from '../../api/hooks';
import type {
  Asset,
  Channel,
  ControlPlacement,
  Device,
  Interface,
  ModelIndex,
  Vulnerability,
  Zone,
} from '../../graph/model-index';
import { technologyLabel } from '../../graph/to-elements';
import {
  DEVICE_CATEGORY,
  ELEMENT_TYPE,
  INTERFACE_FUNCTION_ORDER,
  RISK_CLASS,
  RISK_CLASS_ORDER,
  SEVERITY,
  SEVERITY_ORDER,
  ZONE_KIND,
  humanize,
} from '../../graph/vocabulary';
import { ErrorMessage } from '../Feedback';
import { CheckboxField, CheckboxGroup, SelectField, TextField, type Option } from './fields';

export interface EditorContext {
  modelId: string;
  index: ModelIndex;
  catalogue: Catalogue | undefined;
  /** Runs a write and refreshes the model and its analysis. */
  write: <T>(op: () => Promise<T>) => Promise<T>;
  /**
   * The model version the page last loaded (ThreatModel.version). Writes send it as
   * `expectedVersion`, so a change made meanwhile by someone else is refused (CONFLICT) instead of
   * silently overwritten; a form sends the version it was opened at.
   */
  version: number;
}

export interface FormProps<E> {
  ctx: EditorContext;
  /** The element to edit; absent: create. */
  element?: E;
  /** Initial values for a new element (e.g. the zone clicked, the two devices of a drawn channel). */
  defaults?: Record<string, unknown>;
  onDone: (id: string) => void;
  onCancel: () => void;
}

const opt = (s: string | null | undefined): string | null => (s == null || s.trim() === '' ? null : s.trim());
const optNum = (s: unknown): number | null => (s === '' || s == null || Number.isNaN(Number(s)) ? null : Number(s));
const undef = <T,>(v: T | null): T | undefined => (v === null ? undefined : v);

const enumOptions = (values: Record<string, string>, label: (v: string) => string = humanize): Option[] =>
  Object.values(values).map((v) => ({ value: v, label: label(v) }));

const byLabel = (a: Option, b: Option) => a.label.localeCompare(b.label);

/** A stated boolean or the default (''): the value of a three-way select. */
type TriState = '' | 'true' | 'false';
const triState = (b: boolean | null | undefined): TriState => (b == null ? '' : b ? 'true' : 'false');
const fromTriState = (t: string): boolean | null => (t === '' ? null : t === 'true');
const triOptions = (yes: string, no: string): Option[] => [
  { value: 'true', label: yes },
  { value: 'false', label: no },
];

function ServerForm<T extends FieldValues>({
  title,
  defaultValues,
  submitLabel,
  onSubmit,
  onCancel,
  children,
  testId,
  version,
}: {
  title: string;
  defaultValues: T;
  submitLabel: string;
  /** `expectedVersion`: the model version the form was opened at (its values were read at it). */
  onSubmit: (values: T, expectedVersion: number) => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
  testId: string;
  /** The model version loaded when the form opens (EditorContext.version). */
  version: number;
}) {
  const [openedAt] = useState(version);
  const form = useForm<T>({ defaultValues: defaultValues as DefaultValues<T> });
  const [formError, setFormError] = useState<unknown>(null);
  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await onSubmit(values, openedAt);
    } catch (e) {
      const byField = fieldErrors(e);
      const known = Object.entries(byField).filter(([f]) => f in defaultValues);
      for (const [f, message] of known) form.setError(f as Path<T>, { type: 'server', message });
      if (known.length === 0 || !(e instanceof GraphQLRequestError) || known.length < Object.keys(byField).length)
        setFormError(e);
      else setFormError(new Error('The server rejected some fields: see the messages below them.'));
    }
  });
  return (
    <FormProvider {...form}>
      <form className="element-form" onSubmit={submit} noValidate data-testid={testId} aria-label={title}>
        <h3>{title}</h3>
        {formError != null && <ErrorMessage error={formError} />}
        {children}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Saving…' : submitLabel}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

const zoneOptions = (index: ModelIndex): Option[] =>
  index.model.zones
    .map((z) => ({ value: z.id, label: `${z.name}${z.entryPoint ? ' (entry point)' : ''}` }))
    .sort(byLabel);
const deviceOptions = (index: ModelIndex): Option[] =>
  index.model.devices.map((d) => ({ value: d.id, label: d.name })).sort(byLabel);

// ── Zone ────────────────────────────────────────────────────────────────────────────────────────

export function ZoneForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Zone>) {
  const values = {
    id: '',
    name: element?.name ?? '',
    kind: element?.kind ?? ((defaults?.kind as string) || 'CLINICAL'),
    entryPoint: element?.entryPoint ?? false,
    description: element?.description ?? '',
    physicalAccess: triState(element?.physicalAccess),
    network: triState(element?.network),
    linkedZoneIds: element?.linkedZoneIds ?? [],
    linkedZoneServices: element?.linkedZoneServices ?? [],
  };
  return (
    <ServerForm
      version={ctx.version}
      title={element ? `Edit zone “${element.name}”` : 'New zone'}
      testId="zone-form"
      defaultValues={values}
      submitLabel={element ? 'Save zone' : 'Create zone'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        if (element) {
          const r = await ctx.write(() =>
            mutate(UpdateZoneDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: element.id,
              patch: {
                name: v.name.trim(),
                kind: v.kind as ZoneKind,
                entryPoint: v.entryPoint,
                description: opt(v.description),
                physicalAccess: fromTriState(v.physicalAccess),
                network: fromTriState(v.network),
                linkedZoneIds: v.linkedZoneIds,
                linkedZoneServices: v.linkedZoneServices.length ? (v.linkedZoneServices as InterfaceKind[]) : null,
              },
            }),
          );
          onDone(r.updateZone.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateZoneDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: {
                id: undef(opt(v.id)),
                name: v.name.trim(),
                kind: v.kind as ZoneKind,
                entryPoint: v.entryPoint,
                description: undef(opt(v.description)),
                physicalAccess: undef(fromTriState(v.physicalAccess)),
                network: undef(fromTriState(v.network)),
                linkedZoneIds: v.linkedZoneIds.length ? v.linkedZoneIds : undefined,
                linkedZoneServices: v.linkedZoneServices.length ? (v.linkedZoneServices as InterfaceKind[]) : undefined,
              },
            }),
          );
          onDone(r.createZone.id);
        }
      }}
    >
      {!element && <TextField name="id" label="Id" hint="Optional; generated from the name when empty" />}
      <TextField name="name" label="Name" required />
      <SelectField name="kind" label="Kind" required options={enumOptions(ZoneKind, (v) => ZONE_KIND[v as ZoneKind])} />
      <CheckboxField
        name="entryPoint"
        label="Entry point"
        hint="An attacker can start here (Internet, guest Wi-Fi, vendor access, patient home, physical access)"
      />
      <div className="field-row">
        <SelectField
          name="physicalAccess"
          label="Physical access"
          emptyLabel={`Default of the kind${element ? ` (${element.effectivePhysicalAccess ? 'yes' : 'no'})` : ''}`}
          options={triOptions('Yes: hands on the devices here', 'No')}
          hint="Does presence here give hands on the devices located here?"
        />
        <SelectField
          name="network"
          label="Network"
          emptyLabel={`Default of the kind${element ? ` (${element.effectiveNetwork ? 'yes' : 'no'})` : ''}`}
          options={triOptions('Yes: a network', 'No: a place only')}
          hint="Does presence here give network reach of what is exposed here?"
        />
      </div>
      <CheckboxGroup
        name="linkedZoneIds"
        label="Routes to zones (zone links)"
        options={zoneOptions(ctx.index).filter((o) => o.value !== element?.id)}
        hint="Traffic from this zone reaches these zones (one direction)"
      />
      <CheckboxGroup
        name="linkedZoneServices"
        label="Only these services through the links (allowlist)"
        options={enumOptions(InterfaceKind, (v) => v.replace(/_/g, ' '))}
        hint="None ticked: open links (presence in the linked zones). Ticked: only interfaces of these kinds there are reachable"
      />
      <TextField name="description" label="Description" multiline />
    </ServerForm>
  );
}

// ── Device ──────────────────────────────────────────────────────────────────────────────────────

export function DeviceForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Device>) {
  const d = element;
  const values = {
    id: '',
    name: d?.name ?? '',
    category: d?.category ?? ((defaults?.category as string) || ''),
    riskClass: d?.riskClass ?? ((defaults?.riskClass as string) || ''),
    manufacturer: d?.manufacturer ?? '',
    modelName: d?.modelName ?? '',
    software: d?.software ?? '',
    externalId: d?.externalId ?? '',
    zoneIds: d?.zoneIds ?? ((defaults?.zoneIds as string[]) || []),
    generalPurposeOs: d?.generalPurposeOs ?? false,
    patchable: d?.patchable ?? true,
    handlesPersonalData: d?.handlesPersonalData ?? false,
    storesData: d?.storesData ?? false,
    remoteService: d?.remoteService ?? false,
    hostDeviceId: d?.hostDeviceId ?? '',
    outboundZoneIds: d?.outboundZoneIds ?? [],
    outboundAccepts: d?.outboundAccepts ?? '',
    emergencyOperation: triState(d?.emergencyOperation),
  };
  return (
    <ServerForm
      version={ctx.version}
      title={d ? `Edit device “${d.name}”` : 'New device'}
      testId="device-form"
      defaultValues={values}
      submitLabel={d ? 'Save device' : 'Create device'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = {
          name: v.name.trim(),
          category: v.category as DeviceCategory,
          riskClass: v.riskClass as RiskClass,
          generalPurposeOs: v.generalPurposeOs,
          patchable: v.patchable,
          handlesPersonalData: v.handlesPersonalData,
          storesData: v.storesData,
          remoteService: v.remoteService,
          zoneIds: v.zoneIds,
        };
        const emergencyOperation = fromTriState(v.emergencyOperation);
        if (d) {
          const r = await ctx.write(() =>
            mutate(UpdateDeviceDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: d.id,
              patch: {
                ...common,
                manufacturer: opt(v.manufacturer),
                modelName: opt(v.modelName),
                software: opt(v.software),
                externalId: opt(v.externalId),
                hostDeviceId: opt(v.hostDeviceId),
                outboundZoneIds: v.outboundZoneIds.length ? v.outboundZoneIds : null,
                outboundAccepts:
                  v.outboundZoneIds.length && v.outboundAccepts ? (v.outboundAccepts as OutboundAccepts) : null,
                emergencyOperation,
              },
            }),
          );
          onDone(r.updateDevice.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateDeviceDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: {
                ...common,
                id: undef(opt(v.id)),
                manufacturer: undef(opt(v.manufacturer)),
                modelName: undef(opt(v.modelName)),
                software: undef(opt(v.software)),
                externalId: undef(opt(v.externalId)),
                hostDeviceId: undef(opt(v.hostDeviceId)),
                outboundZoneIds: v.outboundZoneIds.length ? v.outboundZoneIds : undefined,
                outboundAccepts:
                  v.outboundZoneIds.length && v.outboundAccepts ? (v.outboundAccepts as OutboundAccepts) : undefined,
                emergencyOperation: undef(emergencyOperation),
              },
            }),
          );
          onDone(r.createDevice.id);
        }
      }}
    >
      {!d && <TextField name="id" label="Id" hint="Optional; generated when empty" />}
      <TextField name="name" label="Name" required />
      <SelectField
        name="category"
        label="Category"
        required
        emptyLabel="Choose a category"
        options={enumOptions(DeviceCategory, (v) => DEVICE_CATEGORY[v as DeviceCategory].label).sort(byLabel)}
      />
      <SelectField
        name="riskClass"
        label="HSA risk class"
        required
        emptyLabel="Choose a class"
        options={RISK_CLASS_ORDER.map((c) => ({
          value: c,
          label: `${RISK_CLASS[c].label} — ${RISK_CLASS[c].description}`,
        }))}
      />
      <CheckboxGroup
        name="zoneIds"
        label="Zones"
        required
        options={zoneOptions(ctx.index)}
        hint="The first zone chosen is where the map draws it"
      />
      <div className="field-row">
        <TextField name="manufacturer" label="Manufacturer" />
        <TextField name="modelName" label="Model" />
      </div>
      <div className="field-row">
        <TextField name="software" label="Software / OS" />
        <TextField name="externalId" label="External id (CMDB)" />
      </div>
      <SelectField
        name="hostDeviceId"
        label="Hosted on"
        emptyLabel="Not hosted software"
        options={deviceOptions(ctx.index).filter((o) => o.value !== d?.id)}
        hint="For an app or a cloud service: the device that runs it (its control gives control of this one)"
      />
      <details className="field group" open={Boolean(d?.outboundZoneIds?.length)}>
        <summary>Outbound connections</summary>
        <CheckboxGroup
          name="outboundZoneIds"
          label="Connects out to"
          options={zoneOptions(ctx.index)}
          hint="Zones of the endpoints it opens connections to itself (a vendor cloud, a fixed internet address)"
        />
        <SelectField
          name="outboundAccepts"
          label="Takes back on those connections"
          emptyLabel="Data (default)"
          options={[
            { value: 'DATA', label: 'Data: readings or configuration it stores' },
            { value: 'COMMANDS', label: 'Commands it acts on' },
            { value: 'CODE', label: 'Files it loads and runs (a backdoor)' },
          ]}
        />
      </details>
      <fieldset className="field group">
        <legend>Properties (MDS2)</legend>
        <CheckboxField name="generalPurposeOs" label="General-purpose OS" />
        <CheckboxField name="patchable" label="Patchable in the field" />
        <CheckboxField name="handlesPersonalData" label="Handles personal / health data" />
        <CheckboxField name="storesData" label="Stores data" />
        <CheckboxField name="remoteService" label="Vendor remote service" />
      </fieldset>
      <SelectField
        name="emergencyOperation"
        label="Bedside controls in an emergency"
        emptyLabel={`Default of the category${d ? ` (${d.effectiveEmergencyOperation ? 'must work without a login' : 'a login may be asked'})` : ' (ventilators: must work without a login)'}`}
        options={triOptions('Must work at once, without a login (life support)', 'A login may be asked')}
        hint="When they must, no login control (credentials, idle lock, roles) is proposed for its local screen"
      />
    </ServerForm>
  );
}

// ── Interface ───────────────────────────────────────────────────────────────────────────────────

export function InterfaceForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Interface>) {
  const i = element;
  const values = {
    id: '',
    deviceId: i?.deviceId ?? ((defaults?.deviceId as string) || ''),
    name: i?.name ?? '',
    kind: i?.kind ?? '',
    authentication: i?.authentication ?? 'PASSWORD',
    exposedToZoneIds: i?.exposedToZoneIds ?? ((defaults?.exposedToZoneIds as string[]) || []),
    port: i?.port != null ? String(i.port) : '',
    defaultFunctions: i ? i.functions == null : true,
    functions: (i?.functions ?? i?.effectiveFunctions ?? []) as string[],
  };
  return (
    <ServerForm
      version={ctx.version}
      title={i ? `Edit interface “${i.name}”` : 'New interface'}
      testId="interface-form"
      defaultValues={values}
      submitLabel={i ? 'Save interface' : 'Create interface'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = {
          deviceId: v.deviceId,
          name: v.name.trim(),
          kind: v.kind as InterfaceKind,
          authentication: v.authentication as Authentication,
          exposedToZoneIds: v.exposedToZoneIds,
          port: optNum(v.port),
        };
        // null: the default functions of the kind; a list (even []) is stated
        const functions = v.defaultFunctions ? null : (v.functions as InterfaceFunction[]);
        if (i) {
          const r = await ctx.write(() =>
            mutate(UpdateInterfaceDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: i.id,
              patch: { ...common, functions },
            }),
          );
          onDone(r.updateInterface.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateInterfaceDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: { ...common, id: undef(opt(v.id)), port: undef(common.port), functions: undef(functions) },
            }),
          );
          onDone(r.createInterface.id);
        }
      }}
    >
      {!i && <TextField name="id" label="Id" hint="Optional" />}
      <SelectField
        name="deviceId"
        label="Device"
        required
        emptyLabel="Choose a device"
        options={deviceOptions(ctx.index)}
      />
      <TextField name="name" label="Name" required />
      <SelectField name="kind" label="Kind" required emptyLabel="Choose a kind" options={enumOptions(InterfaceKind)} />
      <SelectField name="authentication" label="Authentication" required options={enumOptions(Authentication)} />
      <TextField name="port" label="Port" type="number" />
      <CheckboxGroup name="exposedToZoneIds" label="Reachable from zones" options={zoneOptions(ctx.index)} />
      <CheckboxField
        name="defaultFunctions"
        label="Default functions of its kind"
        hint={i ? `Now: ${i.effectiveFunctions.map(humanize).join(', ') || 'none'}` : 'Untick to state what use allows'}
      />
      <CheckboxGroup
        name="functions"
        label="Functions (what use of it allows; used when the default is unticked)"
        options={INTERFACE_FUNCTION_ORDER.map((f) => ({ value: f, label: humanize(f) }))}
      />
    </ServerForm>
  );
}

// ── Channel ─────────────────────────────────────────────────────────────────────────────────────

export function ChannelForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Channel>) {
  const c = element;
  const values = {
    id: '',
    name: c?.name ?? ((defaults?.name as string) || ''),
    fromDeviceId: c?.fromDeviceId ?? ((defaults?.fromDeviceId as string) || ''),
    toDeviceId: c?.toDeviceId ?? ((defaults?.toDeviceId as string) || ''),
    fromInterfaceId: c?.fromInterfaceId ?? '',
    toInterfaceId: c?.toInterfaceId ?? '',
    technology: c?.technology ?? '',
    intrinsicMechanism: c?.intrinsicMechanism ?? 'NONE',
    extrinsicMechanisms: c?.extrinsicMechanisms ?? [],
    carries: c?.carries ?? [],
    zoneIds: c?.zoneIds ?? ((defaults?.zoneIds as string[]) || []),
    forwardedTo: c?.forwardedTo ?? [],
    endToEndIntegrity: c?.endToEndIntegrity ?? false,
  };
  // Data flow: the next hops are channels leaving this channel's receiver.
  const nextHopOptions: Option[] = ctx.index.model.channels
    .filter((n) => c && n.id !== c.id && n.fromDeviceId === c.toDeviceId)
    .map((n) => ({ value: n.id, label: n.name }));
  const interfaceOptions: Option[] = ctx.index.model.interfaces
    .map((i) => ({ value: i.id, label: `${i.name}`, group: ctx.index.label(i.deviceId) }))
    .sort((a, b) => (a.group ?? '').localeCompare(b.group ?? '') || a.label.localeCompare(b.label));
  return (
    <ServerForm
      version={ctx.version}
      title={c ? `Edit channel “${c.name}”` : 'New channel'}
      testId="channel-form"
      defaultValues={values}
      submitLabel={c ? 'Save channel' : 'Create channel'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = {
          name: v.name.trim(),
          fromDeviceId: v.fromDeviceId,
          toDeviceId: v.toDeviceId,
          fromInterfaceId: opt(v.fromInterfaceId),
          toInterfaceId: opt(v.toInterfaceId),
          technology: v.technology as ChannelTechnology,
          intrinsicMechanism: v.intrinsicMechanism as IntrinsicMechanism,
          extrinsicMechanisms: v.extrinsicMechanisms as ExtrinsicMechanism[],
          carries: v.carries as ChannelPayload[],
          zoneIds: v.zoneIds,
        };
        if (c) {
          const r = await ctx.write(() =>
            mutate(UpdateChannelDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: c.id,
              patch: {
                ...common,
                forwardedTo: v.forwardedTo.length ? v.forwardedTo : null,
                endToEndIntegrity: v.endToEndIntegrity ? true : null,
              },
            }),
          );
          onDone(r.updateChannel.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateChannelDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: {
                ...common,
                id: undef(opt(v.id)),
                fromInterfaceId: undef(common.fromInterfaceId),
                toInterfaceId: undef(common.toInterfaceId),
                endToEndIntegrity: v.endToEndIntegrity ? true : undefined,
              },
            }),
          );
          onDone(r.createChannel.id);
        }
      }}
    >
      {!c && <TextField name="id" label="Id" hint="Optional" />}
      <TextField name="name" label="Name" required />
      <div className="field-row">
        <SelectField
          name="fromDeviceId"
          label="From device"
          required
          emptyLabel="Choose"
          options={deviceOptions(ctx.index)}
        />
        <SelectField
          name="toDeviceId"
          label="To device"
          required
          emptyLabel="Choose"
          options={deviceOptions(ctx.index)}
        />
      </div>
      <div className="field-row">
        <SelectField name="fromInterfaceId" label="From interface" options={interfaceOptions} />
        <SelectField name="toInterfaceId" label="To interface" options={interfaceOptions} />
      </div>
      <SelectField
        name="technology"
        label="Technology"
        required
        emptyLabel="Choose"
        options={enumOptions(ChannelTechnology, (v) => technologyLabel(v as ChannelTechnology))}
      />
      <SelectField
        name="intrinsicMechanism"
        label="Intrinsic mechanism"
        required
        options={enumOptions(IntrinsicMechanism, (v) => v.replace(/_/g, ' '))}
        hint="Must belong to the technology (e.g. BLE_PASSKEY for BLE)"
      />
      <CheckboxGroup
        name="extrinsicMechanisms"
        label="Extrinsic mechanisms"
        options={enumOptions(ExtrinsicMechanism, (v) => (v === 'TLS' || v === 'VPN' ? v : humanize(v)))}
      />
      <CheckboxGroup name="carries" label="Carries" required options={enumOptions(ChannelPayload)} />
      <CheckboxGroup name="zoneIds" label="Observable / reachable from zones" options={zoneOptions(ctx.index)} />
      {c && nextHopOptions.length > 0 && (
        <CheckboxGroup
          name="forwardedTo"
          label="Readings or alarms passed on over"
          options={nextHopOptions}
          hint="Data flow: the receiver forwards what it gets here on these channels (falsified data travels with it)"
        />
      )}
      <CheckboxField
        name="endToEndIntegrity"
        label="End-to-end integrity (signed at the source, verified by the receiver)"
      />
    </ServerForm>
  );
}

// ── Asset ───────────────────────────────────────────────────────────────────────────────────────

export function AssetForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Asset>) {
  const a = element;
  const values = {
    id: '',
    deviceId: a?.deviceId ?? ((defaults?.deviceId as string) || ''),
    name: a?.name ?? '',
    kind: a?.kind ?? '',
    severity: a?.severity ?? '',
    manipulationSeverity: a?.manipulationSeverity ?? '',
    denialSeverity: a?.denialSeverity ?? '',
    disclosureRecords: a?.disclosureRecords != null ? String(a.disclosureRecords) : '',
  };
  const effective = (impact: 'MANIPULATE' | 'DENY' | 'DISCLOSE') => a?.impacts.find((x) => x.impact === impact);
  const defaultLabel = (impact: 'MANIPULATE' | 'DENY') => {
    const e = effective(impact);
    return `Default of the kind${a ? ` (${e?.severity ? SEVERITY[e.severity].label.toLowerCase() : 'none'})` : ''}`;
  };
  return (
    <ServerForm
      version={ctx.version}
      title={a ? `Edit asset “${a.name}”` : 'New patient-safety asset'}
      testId="asset-form"
      defaultValues={values}
      submitLabel={a ? 'Save asset' : 'Create asset'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = {
          deviceId: v.deviceId,
          name: v.name.trim(),
          kind: v.kind as AssetKind,
          severity: v.severity as (typeof SEVERITY_ORDER)[number],
        };
        // '' = the default of the kind (null clears a stated value)
        const perImpact = {
          manipulationSeverity: (opt(v.manipulationSeverity) as Severity | null) ?? null,
          denialSeverity: (opt(v.denialSeverity) as Severity | null) ?? null,
          disclosureRecords: optNum(v.disclosureRecords),
        };
        if (a) {
          const r = await ctx.write(() =>
            mutate(UpdateAssetDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: a.id,
              patch: { ...common, ...perImpact },
            }),
          );
          onDone(r.updateAsset.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateAssetDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: {
                ...common,
                id: undef(opt(v.id)),
                manipulationSeverity: undef(perImpact.manipulationSeverity),
                denialSeverity: undef(perImpact.denialSeverity),
                disclosureRecords: undef(perImpact.disclosureRecords),
              },
            }),
          );
          onDone(r.createAsset.id);
        }
      }}
    >
      {!a && <TextField name="id" label="Id" hint="Optional" />}
      <SelectField
        name="deviceId"
        label="Device"
        required
        emptyLabel="Choose a device"
        options={deviceOptions(ctx.index)}
      />
      <TextField name="name" label="Name" required />
      <SelectField name="kind" label="Kind" required emptyLabel="Choose" options={enumOptions(AssetKind)} />
      <SelectField
        name="severity"
        label="Harm severity (ISO 14971)"
        required
        emptyLabel="Choose"
        options={SEVERITY_ORDER.map((s) => ({ value: s, label: `${SEVERITY[s].label} — ${SEVERITY[s].description}` }))}
      />
      <div className="field-row">
        <SelectField
          name="manipulationSeverity"
          label="If manipulated"
          emptyLabel={defaultLabel('MANIPULATE')}
          options={SEVERITY_ORDER.map((s) => ({ value: s, label: SEVERITY[s].label }))}
        />
        <SelectField
          name="denialSeverity"
          label="If denied"
          emptyLabel={defaultLabel('DENY')}
          options={SEVERITY_ORDER.map((s) => ({ value: s, label: SEVERITY[s].label }))}
        />
      </div>
      <TextField
        name="disclosureRecords"
        label="Patients' records exposed if disclosed"
        type="number"
        hint={
          effective('DISCLOSE')?.records != null
            ? `Empty: the default (${effective('DISCLOSE')!.records!.toLocaleString('en')} records)`
            : 'Empty: the default (personal data: by the device category; other kinds: not disclosable)'
        }
      />
    </ServerForm>
  );
}

// ── Vulnerability ───────────────────────────────────────────────────────────────────────────────

export function VulnerabilityForm({ ctx, element, defaults, onDone, onCancel }: FormProps<Vulnerability>) {
  const v0 = element;
  const values = {
    id: '',
    cveId: v0?.cveId ?? '',
    cvssVector: v0?.cvssVector ?? 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    elementId: v0?.elementId ?? ((defaults?.elementId as string) || ''),
    description: v0?.description ?? '',
  };
  const targets: Option[] = [
    ...ctx.index.model.devices.map((d) => ({ value: d.id, label: d.name, group: 'Devices' })),
    ...ctx.index.model.interfaces.map((i) => ({ value: i.id, label: ctx.index.label(i.id), group: 'Interfaces' })),
  ].sort((a, b) => (a.group ?? '').localeCompare(b.group ?? '') || a.label.localeCompare(b.label));
  return (
    <ServerForm
      version={ctx.version}
      title={v0 ? `Edit vulnerability ${v0.cveId}` : 'New vulnerability'}
      testId="vulnerability-form"
      defaultValues={values}
      submitLabel={v0 ? 'Save vulnerability' : 'Create vulnerability'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = { cveId: v.cveId.trim(), cvssVector: v.cvssVector.trim(), elementId: v.elementId };
        if (v0) {
          const r = await ctx.write(() =>
            mutate(UpdateVulnerabilityDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              id: v0.id,
              patch: { ...common, description: opt(v.description) },
            }),
          );
          onDone(r.updateVulnerability.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateVulnerabilityDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: { ...common, id: undef(opt(v.id)), description: undef(opt(v.description)) },
            }),
          );
          onDone(r.createVulnerability.id);
        }
      }}
    >
      {!v0 && <TextField name="id" label="Id" hint="Optional" />}
      <TextField name="cveId" label="CVE" required placeholder="CVE-2019-6538" />
      <TextField
        name="cvssVector"
        label="CVSS vector (v3.1 or v4.0)"
        required
        hint="Base metrics only, e.g. CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N; the base score is computed by the server"
      />
      <SelectField
        name="elementId"
        label="Affected device or interface"
        required
        emptyLabel="Choose"
        options={targets}
      />
      <TextField name="description" label="Description" multiline />
    </ServerForm>
  );
}

// ── Control placement ───────────────────────────────────────────────────────────────────────────

export function ControlPlacementForm({ ctx, element, defaults, onDone, onCancel }: FormProps<ControlPlacement>) {
  const p = element;
  const values = {
    id: '',
    controlId: p?.controlId ?? ((defaults?.controlId as string) || ''),
    elementId: p?.elementId ?? ((defaults?.elementId as string) || ''),
    status: p?.status ?? ((defaults?.status as string) || 'PLANNED'),
    cost: p?.cost != null ? String(p.cost) : '',
    note: p?.note ?? '',
  };
  const m = ctx.index.model;
  const elementOptions: Option[] = [
    ...m.zones.map((z) => ({ value: z.id, label: z.name, group: ELEMENT_TYPE.ZONE })),
    ...m.devices.map((d) => ({ value: d.id, label: d.name, group: ELEMENT_TYPE.DEVICE })),
    ...m.interfaces.map((i) => ({ value: i.id, label: ctx.index.label(i.id), group: ELEMENT_TYPE.INTERFACE })),
    ...m.channels.map((c) => ({ value: c.id, label: c.name, group: ELEMENT_TYPE.CHANNEL })),
    ...m.assets.map((a) => ({ value: a.id, label: a.name, group: ELEMENT_TYPE.ASSET })),
  ];
  const controls = ctx.catalogue?.controls ?? [];
  const target = defaults?.elementId
    ? ctx.index.typeOf(defaults.elementId as string)
    : p
      ? ctx.index.typeOf(p.elementId)
      : undefined;
  const controlOptions: Option[] = controls
    .filter((c) => !target || c.appliesTo.includes(target as ElementType))
    .map((c) => ({ value: c.id, label: `${c.id} · ${c.name} (cost ${c.defaultCost})` }));
  return (
    <ServerForm
      version={ctx.version}
      title={p ? `Edit control placement ${p.controlId}` : 'New control placement'}
      testId="placement-form"
      defaultValues={values}
      submitLabel={p ? 'Save placement' : 'Place control'}
      onCancel={onCancel}
      onSubmit={async (v, expectedVersion) => {
        const common = {
          controlId: v.controlId,
          elementId: v.elementId,
          status: v.status as PlacementStatus,
          cost: optNum(v.cost),
          note: opt(v.note),
        };
        if (p) {
          const r = await ctx.write(() =>
            mutate(UpdateControlPlacementDocument, { modelId: ctx.modelId, expectedVersion, id: p.id, patch: common }),
          );
          onDone(r.updateControlPlacement.id);
        } else {
          const r = await ctx.write(() =>
            mutate(CreateControlPlacementDocument, {
              modelId: ctx.modelId,
              expectedVersion,
              input: { ...common, id: undef(opt(v.id)), cost: undef(common.cost), note: undef(common.note) },
            }),
          );
          onDone(r.createControlPlacement.id);
        }
      }}
    >
      {!p && <TextField name="id" label="Id" hint="Optional" />}
      <SelectField name="elementId" label="On element" required emptyLabel="Choose" options={elementOptions} />
      <SelectField
        name="controlId"
        label="Control (TR 67 Annex A)"
        required
        emptyLabel={ctx.catalogue ? 'Choose a control' : 'Loading the catalogue…'}
        options={controlOptions}
        hint={target ? `Controls that apply to a ${ELEMENT_TYPE[target as ElementType].toLowerCase()}` : undefined}
      />
      <SelectField
        name="status"
        label="Status"
        required
        options={enumOptions(PlacementStatus)}
        hint="Only implemented controls block attack steps"
      />
      <TextField name="cost" label="Cost (cost units)" type="number" hint="Empty: the control's default cost" />
      <TextField name="note" label="Note" multiline />
    </ServerForm>
  );
}

export type EditableType =
  'ZONE' | 'DEVICE' | 'INTERFACE' | 'CHANNEL' | 'ASSET' | 'VULNERABILITY' | 'CONTROL_PLACEMENT';

export const FORM_BY_TYPE = {
  ZONE: ZoneForm,
  DEVICE: DeviceForm,
  INTERFACE: InterfaceForm,
  CHANNEL: ChannelForm,
  ASSET: AssetForm,
  VULNERABILITY: VulnerabilityForm,
  CONTROL_PLACEMENT: ControlPlacementForm,
} as const;

export const TYPE_LABEL: Record<EditableType, string> = {
  ZONE: 'zone',
  DEVICE: 'device',
  INTERFACE: 'interface',
  CHANNEL: 'channel',
  ASSET: 'asset',
  VULNERABILITY: 'vulnerability',
  CONTROL_PLACEMENT: 'control placement',
};
