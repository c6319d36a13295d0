/**
 * Control applicability: where a catalogue control can be placed (TR 67 Annex A controls and the
 * wireless mechanisms expressed as controls, seeds/catalogue/tr67-catalogue.json).
 */
import {
  deviceMeets,
  type ChannelTechnology,
  type Control,
  type Device,
  type ElementType,
  type InterfaceKind,
} from '../domain/types';

/** The facts of an element that decide whether a control fits it. */
export interface PlaceableElement {
  type: ElementType;
  /** For CHANNEL elements. */
  technology?: ChannelTechnology;
  /** For INTERFACE elements. */
  kind?: InterfaceKind;
  /** For DEVICE elements, and for INTERFACE elements their device: the properties deviceConditions test. */
  device?: Pick<Device, 'generalPurposeOs' | 'handlesPersonalData' | 'storesData' | 'remoteService'>;
}

/**
 * True when `control` can be placed on `element`: its `appliesTo` lists the element type, and
 * for a channel its `technologies` (if set) list the channel's technology, for an interface its
 * `interfaceKinds` (if set) list the interface's kind, and the device (the element itself or the
 * interface's device) meets the control's `deviceConditions` (if set; e.g. C11 anti-malware needs a
 * general-purpose OS, MDS2 MLDP-1). Assets never carry controls.
 * Same rule as the import validation of server/src/domain/model-document.ts.
 */
export function canPlaceControl(control: Control, element: PlaceableElement): boolean {
  if (element.type === 'ASSET' || !control.appliesTo.includes(element.type)) return false;
  if (control.deviceConditions?.length) {
    if (!element.device || !deviceMeets(element.device, control.deviceConditions)) return false;
  }
  if (element.type === 'CHANNEL' && control.technologies && element.technology !== undefined) {
    return control.technologies.includes(element.technology);
  }
  if (element.type === 'INTERFACE' && control.interfaceKinds && element.kind !== undefined) {
    return control.interfaceKinds.includes(element.kind);
  }
  return true;
}
