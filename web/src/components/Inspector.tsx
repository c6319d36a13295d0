/**
 * Right-hand panel: the selected element's facts with edit and delete, its parts (interfaces,
 * assets, vulnerabilities, control placements) each editable, and the create / edit forms.
 */
import { useState } from 'react';
import {
  DeleteAssetDocument,
  DeleteChannelDocument,
  DeleteControlPlacementDocument,
  DeleteDeviceDocument,
  DeleteInterfaceDocument,
  DeleteVulnerabilityDocument,
  DeleteZoneDocument,
} from '../api/__generated__/graphql';
import { request } from '../api/client';
import type { IndexedElement } from '../graph/model-index';
import { technologyLabel } from '../graph/to-elements';
import { DEVICE_CATEGORY, ZONE_KIND, humanize } from '../graph/vocabulary';
import { ImpactChip, PathSeverityChip, PlacementStatusChip, RiskClassChip, SeverityChip } from './Chips';
import { ErrorMessage } from './Feedback';
import { FORM_BY_TYPE, TYPE_LABEL, type EditableType, type EditorContext } from './forms/ElementForms';

export type Panel =
  | { mode: 'inspect'; id: string }
  | { mode: 'edit'; id: string }
  | { mode: 'create'; type: EditableType; defaults?: Record<string, unknown> }
  | null;

const DELETE_DOC = {
  ZONE: DeleteZoneDocument,
  DEVICE: DeleteDeviceDocument,
  INTERFACE: DeleteInterfaceDocument,
  CHANNEL: DeleteChannelDocument,
  ASSET: DeleteAssetDocument,
  VULNERABILITY: DeleteVulnerabilityDocument,
  CONTROL_PLACEMENT: DeleteControlPlacementDocument,
} as const;

export interface InspectorProps {
  ctx: EditorContext;
  panel: Panel;
  setPanel: (p: Panel) => void;
  compromised: readonly string[];
  onToggleCompromised: (id: string) => void;
  /** Offer editing, deleting and adding parts (false for viewers: the facts only). */
  canEdit?: boolean;
}

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="facts">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

function PartList({
  title,
  items,
  onOpen,
  onAdd,
  addLabel,
}: {
  title: string;
  items: { id: string; label: React.ReactNode }[];
  onOpen: (id: string) => void;
  onAdd?: () => void;
  addLabel?: string;
}) {
  return (
    <section className="part-list">
      <h4>
        {title} <span className="count">{items.length}</span>
      </h4>
      {items.length > 0 && (
        <ul>
          {items.map((i) => (
            <li key={i.id}>
              <button type="button" className="link-button" onClick={() => onOpen(i.id)}>
                {i.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {onAdd && (
        <button type="button" className="small" onClick={onAdd}>
          + {addLabel}
        </button>
      )}
    </section>
  );
}

export function Inspector({
  ctx,
  panel: requested,
  setPanel,
  compromised,
  onToggleCompromised,
  canEdit = true,
}: InspectorProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  // Without the right to edit, only the facts are shown (no form, whatever was asked).
  const panel: Panel =
    canEdit || !requested || requested.mode === 'inspect'
      ? requested
      : requested.mode === 'edit'
        ? { mode: 'inspect', id: requested.id }
        : null;
  if (!panel) return null;
  const { index } = ctx;

  if (panel.mode === 'create') {
    const Form = FORM_BY_TYPE[panel.type];
    return (
      <Form
        ctx={ctx}
        defaults={panel.defaults}
        onDone={(id) => setPanel({ mode: 'inspect', id })}
        onCancel={() => setPanel(null)}
      />
    );
  }

  const entry = index.get(panel.id);
  if (!entry) {
    return (
      <div className="inspector">
        <p className="empty">This element no longer exists.</p>
      </div>
    );
  }

  if (panel.mode === 'edit') {
    const Form = FORM_BY_TYPE[entry.type] as React.ComponentType<{
      ctx: EditorContext;
      element: IndexedElement['element'];
      onDone: (id: string) => void;
      onCancel: () => void;
    }>;
    return (
      <Form
        ctx={ctx}
        element={entry.element}
        onDone={(id) => setPanel({ mode: 'inspect', id })}
        onCancel={() => setPanel({ mode: 'inspect', id: panel.id })}
      />
    );
  }

  const open = (id: string) => setPanel({ mode: 'inspect', id });
  /** The "+ part" action of a part list; undefined (no button) without the right to edit. */
  const create = (type: EditableType, defaults: Record<string, unknown>) =>
    canEdit ? () => setPanel({ mode: 'create', type, defaults }) : undefined;
  const m = index.model;
  const placementsOn = (ids: string[]) =>
    m.controlPlacements
      .filter((p) => ids.includes(p.elementId))
      .map((p) => ({
        id: p.id,
        label: (
          <>
            {p.controlId} · {ctx.catalogue?.controls.find((c) => c.id === p.controlId)?.name ?? ''}{' '}
            <PlacementStatusChip status={p.status} />
          </>
        ),
      }));

  const remove = async () => {
    setDeleting(true);
    setDeleteError(null);
    try {
      const doc = DELETE_DOC[entry.type];
      await ctx.write(() =>
        request(doc as typeof DeleteZoneDocument, { modelId: ctx.modelId, id: panel.id, expectedVersion: ctx.version }),
      );
      setConfirming(null);
      setPanel(null);
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleting(false);
    }
  };

  let body: React.ReactNode = null;
  switch (entry.type) {
    case 'ZONE': {
      const z = entry.element;
      const devices = index.devicesInZone(z.id);
      body = (
        <>
          <Facts
            rows={[
              ['Kind', ZONE_KIND[z.kind]],
              ['Entry point', z.entryPoint ? 'Yes: attacks can start here' : 'No'],
              [
                'Presence gives',
                [z.effectiveNetwork && 'network reach', z.effectivePhysicalAccess && 'physical access']
                  .filter(Boolean)
                  .join(' and ') || 'nothing',
              ],
              [
                'Routes to',
                (z.linkedZoneIds ?? []).map((l) => index.label(l)).join(', ') +
                  (z.linkedZoneServices?.length ? ` (only ${z.linkedZoneServices.join(', ')})` : ''),
              ],
              ['Description', z.description],
            ]}
          />
          <PartList
            title="Devices"
            items={devices.map((d) => ({ id: d.id, label: d.name }))}
            onOpen={open}
            onAdd={create('DEVICE', { zoneIds: [z.id] })}
            addLabel="Device in this zone"
          />
          <PartList
            title="Controls"
            items={placementsOn([z.id])}
            onOpen={open}
            onAdd={create('CONTROL_PLACEMENT', { elementId: z.id })}
            addLabel="Control"
          />
        </>
      );
      break;
    }
    case 'DEVICE': {
      const d = entry.element;
      const ifaces = m.interfaces.filter((i) => i.deviceId === d.id);
      const assets = m.assets.filter((a) => a.deviceId === d.id);
      const vulns = m.vulnerabilities.filter((v) => v.elementId === d.id || ifaces.some((i) => i.id === v.elementId));
      const channels = m.channels.filter((c) => c.fromDeviceId === d.id || c.toDeviceId === d.id);
      body = (
        <>
          <Facts
            rows={[
              ['Category', DEVICE_CATEGORY[d.category].label],
              ['HSA class', <RiskClassChip key="c" riskClass={d.riskClass} />],
              ['Manufacturer', [d.manufacturer, d.modelName].filter(Boolean).join(' ')],
              ['Software', d.software],
              ['Zones', d.zoneIds.map((z) => index.label(z)).join(', ')],
              ['Hosted on', d.hostDeviceId ? index.label(d.hostDeviceId) : null],
              [
                'Connects out to',
                d.outboundZoneIds?.length
                  ? `${d.outboundZoneIds.map((z) => index.label(z)).join(', ')} (takes back ${(d.outboundAccepts ?? 'DATA').toLowerCase()})`
                  : null,
              ],
              [
                'Properties',
                [
                  d.generalPurposeOs && 'general-purpose OS',
                  !d.patchable && 'not patchable',
                  d.handlesPersonalData && 'personal data',
                  d.storesData && 'stores data',
                  d.remoteService && 'vendor remote service',
                  d.effectiveEmergencyOperation && 'bedside controls work without a login (emergency)',
                ]
                  .filter(Boolean)
                  .join(', ') || '—',
              ],
              ['External id', d.externalId],
            ]}
          />
          <PartList
            title="Interfaces"
            items={ifaces.map((i) => ({
              id: i.id,
              label: `${i.name} (${humanize(i.kind)}, ${humanize(i.authentication).toLowerCase()})`,
            }))}
            onOpen={open}
            onAdd={create('INTERFACE', { deviceId: d.id, exposedToZoneIds: d.zoneIds })}
            addLabel="Interface"
          />
          <PartList
            title="Patient-safety assets"
            items={assets.map((a) => ({
              id: a.id,
              label: (
                <>
                  {a.name} <SeverityChip severity={a.severity} />
                </>
              ),
            }))}
            onOpen={open}
            onAdd={create('ASSET', { deviceId: d.id })}
            addLabel="Asset"
          />
          <PartList
            title="Vulnerabilities"
            items={vulns.map((v) => ({ id: v.id, label: `${v.cveId} (CVSS ${v.cvssBaseScore.toFixed(1)})` }))}
            onOpen={open}
            onAdd={create('VULNERABILITY', { elementId: d.id })}
            addLabel="Vulnerability"
          />
          <PartList
            title="Controls"
            items={placementsOn([d.id, ...ifaces.map((i) => i.id), ...assets.map((a) => a.id)])}
            onOpen={open}
            onAdd={create('CONTROL_PLACEMENT', { elementId: d.id })}
            addLabel="Control"
          />
          <PartList
            title="Channels"
            items={channels.map((c) => ({ id: c.id, label: c.name }))}
            onOpen={open}
            onAdd={create('CHANNEL', { fromDeviceId: d.id })}
            addLabel="Channel from this device"
          />
        </>
      );
      break;
    }
    case 'INTERFACE': {
      const i = entry.element;
      body = (
        <>
          <Facts
            rows={[
              ['Device', index.label(i.deviceId)],
              ['Kind', humanize(i.kind)],
              ['Authentication', humanize(i.authentication)],
              ['Port', i.port],
              [
                'Functions',
                `${i.effectiveFunctions.map(humanize).join(', ') || 'none'}${i.functions == null ? ' (default of the kind)' : ''}`,
              ],
              ['Reachable from', i.exposedToZoneIds.map((z) => index.label(z)).join(', ') || '—'],
            ]}
          />
          <PartList
            title="Vulnerabilities"
            items={m.vulnerabilities.filter((v) => v.elementId === i.id).map((v) => ({ id: v.id, label: v.cveId }))}
            onOpen={open}
            onAdd={create('VULNERABILITY', { elementId: i.id })}
            addLabel="Vulnerability"
          />
          <PartList
            title="Controls"
            items={placementsOn([i.id])}
            onOpen={open}
            onAdd={create('CONTROL_PLACEMENT', { elementId: i.id })}
            addLabel="Control"
          />
        </>
      );
      break;
    }
    case 'CHANNEL': {
      const c = entry.element;
      body = (
        <>
          <Facts
            rows={[
              ['From', index.label(c.fromDeviceId)],
              ['To', index.label(c.toDeviceId)],
              ['Technology', technologyLabel(c.technology)],
              ['Intrinsic mechanism', c.intrinsicMechanism.replace(/_/g, ' ')],
              ['Extrinsic mechanisms', c.extrinsicMechanisms.map((m) => m.replace(/_/g, ' ')).join(', ') || 'none'],
              ['Carries', c.carries.map((p) => humanize(p).toLowerCase()).join(', ')],
              ['Observable from', c.zoneIds.map((z) => index.label(z)).join(', ') || '—'],
            ]}
          />
          <PartList
            title="Controls"
            items={placementsOn([c.id])}
            onOpen={open}
            onAdd={create('CONTROL_PLACEMENT', { elementId: c.id })}
            addLabel="Control"
          />
        </>
      );
      break;
    }
    case 'ASSET': {
      const a = entry.element;
      body = (
        <>
          <Facts
            rows={[
              ['Device', index.label(a.deviceId)],
              ['Kind', humanize(a.kind)],
              ['Severity', <SeverityChip key="s" severity={a.severity} />],
              [
                'Targets',
                a.impacts.length === 0 ? (
                  'none'
                ) : (
                  <span key="t">
                    {a.impacts.map((t) => (
                      <span key={t.impact} className="impact-line">
                        <ImpactChip impact={t.impact} />{' '}
                        <PathSeverityChip severity={t.severity} privacySeverity={t.privacySeverity} />
                        {t.records != null ? ` ${t.records.toLocaleString('en')} records` : ''}
                        {t.stated ? '' : ' (default)'}{' '}
                      </span>
                    ))}
                  </span>
                ),
              ],
            ]}
          />
          <PartList
            title="Controls"
            items={placementsOn([a.id])}
            onOpen={open}
            onAdd={create('CONTROL_PLACEMENT', { elementId: a.id })}
            addLabel="Control"
          />
        </>
      );
      break;
    }
    case 'VULNERABILITY': {
      const v = entry.element;
      body = (
        <Facts
          rows={[
            ['CVE', v.cveId],
            ['CVSS base score', v.cvssBaseScore.toFixed(1)],
            ['Vector', <code key="v">{v.cvssVector}</code>],
            ['On', index.label(v.elementId)],
            ['Description', v.description],
          ]}
        />
      );
      break;
    }
    case 'CONTROL_PLACEMENT': {
      const p = entry.element;
      const control = ctx.catalogue?.controls.find((c) => c.id === p.controlId);
      body = (
        <Facts
          rows={[
            ['Control', `${p.controlId} · ${control?.name ?? ''}`],
            ['On', index.label(p.elementId)],
            ['Status', <PlacementStatusChip key="s" status={p.status} />],
            ['Cost', `${p.effectiveCost} cost units${p.cost == null ? ' (default)' : ''}`],
            ['Note', p.note],
            ['What it does', control?.description],
          ]}
        />
      );
      break;
    }
  }

  const typeLabel = TYPE_LABEL[entry.type];
  const parent = entry.type === 'INTERFACE' || entry.type === 'ASSET' ? entry.element.deviceId : null;
  const canCompromise = entry.type !== 'VULNERABILITY' && entry.type !== 'CONTROL_PLACEMENT';
  const isCompromised = compromised.includes(panel.id);

  return (
    <div className="inspector" data-testid="inspector">
      <p className="eyebrow">
        {typeLabel}
        {parent && (
          <>
            {' '}
            of{' '}
            <button type="button" className="link-button" onClick={() => open(parent)}>
              {index.label(parent)}
            </button>
          </>
        )}
      </p>
      <h3>{index.label(panel.id)}</h3>
      <div className="inspector-actions">
        {canEdit && (
          <button type="button" onClick={() => setPanel({ mode: 'edit', id: panel.id })}>
            Edit
          </button>
        )}
        {!canEdit ? null : confirming === panel.id ? (
          <span className="confirm" role="group" aria-label="Confirm delete">
            <button type="button" className="danger" onClick={remove} disabled={deleting}>
              {deleting ? 'Deleting…' : `Delete ${typeLabel}`}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirming(panel.id)}>
            Delete…
          </button>
        )}
        {canCompromise && (
          <button
            type="button"
            aria-pressed={isCompromised}
            onClick={() => onToggleCompromised(panel.id)}
            title="Start attack paths from this element as if an attacker already holds it"
          >
            {isCompromised ? 'Compromised ✓' : 'Assume compromised'}
          </button>
        )}
      </div>
      {confirming === panel.id && entry.type === 'DEVICE' && (
        <p className="hint">Deletes its interfaces, assets, channels, vulnerabilities and the controls on them.</p>
      )}
      {deleteError != null && <ErrorMessage error={deleteError} title="Not deleted" />}
      {body}
    </div>
  );
}
