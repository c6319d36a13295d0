/** Hand-checked scenarios shared by the path, recommendation and what-if tests. */
import type { ModelDocument } from '../../../server/src/domain/types';
import { modelBuilder, type ChannelOptions } from '../../support/build-graph';

/**
 * (a) Home insulin pump paired over BLE Just Works with the patient's phone app; the link is in
 * radio range of the patient's home (an entry point) and carries commands.
 */
export function insulinPumpAtHome(channel: ChannelOptions = {}): ModelDocument {
  return modelBuilder()
    .zone('z-home', 'PATIENT_HOME', true)
    .device('app', ['z-home'], { category: 'MOBILE_APP', riskClass: 'B' })
    .device('pump', ['z-home'], { category: 'INSULIN_PUMP', riskClass: 'C' })
    .channel('ble', 'app', 'pump', {
      technology: 'BLE',
      intrinsic: 'BLE_JUST_WORKS',
      carries: ['COMMANDS'],
      zoneIds: ['z-home'],
      ...channel,
    })
    .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
    .build();
}

/**
 * (b) Vendor remote service (password, no MFA) on the infusion server, reachable from the vendor
 * remote-access zone (an entry point); the server programs two pumps over Wi-Fi.
 */
export function vendorRemoteService(): ModelDocument {
  return modelBuilder()
    .zone('z-vendor', 'VENDOR_REMOTE_ACCESS', true)
    .zone('z-ward', 'CLINICAL')
    .device('srv', ['z-ward'], { category: 'INFUSION_SERVER', generalPurposeOs: true, remoteService: true })
    .iface('rs', 'srv', 'REMOTE_SERVICE', ['z-vendor'], 'PASSWORD')
    .device('p1', ['z-ward'], { category: 'INFUSION_PUMP' })
    .device('p2', ['z-ward'], { category: 'INFUSION_PUMP' })
    .channel('ch1', 'srv', 'p1', {
      technology: 'WIFI',
      intrinsic: 'WPA2_PSK',
      carries: ['COMMANDS'],
      zoneIds: ['z-ward'],
    })
    .channel('ch2', 'srv', 'p2', {
      technology: 'WIFI',
      intrinsic: 'WPA2_PSK',
      carries: ['COMMANDS'],
      zoneIds: ['z-ward'],
    })
    .asset('t1', 'p1', 'THERAPY_DELIVERY', 'CRITICAL')
    .asset('t2', 'p2', 'THERAPY_DELIVERY', 'CRITICAL')
    .build();
}
