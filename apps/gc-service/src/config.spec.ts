// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { GC_DEFAULTS } from '@spiderpool/ipam-domain';
import { gcSettingsOf, loadGcServiceConfig } from './config.ts';

const required = { SPIDERPOOL_IPAM_SERVICE_ADDRESS: 'dns:///ipam-service:5710' };

describe('gc-service config', () => {
  it('defaults to upstream values', () => {
    const config = loadGcServiceConfig(required);
    expect(config.SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION).toBe(600);
    expect(config.SPIDERPOOL_GC_TRACE_POD_GAP_DURATION).toBe(5);
    expect(config.SPIDERPOOL_GC_PODENTRY_MAX_RETRIES).toBe(5);
    expect(config.SPIDERPOOL_GC_IP_WORKER_NUM).toBe(3);
    expect(gcSettingsOf(config)).toEqual(GC_DEFAULTS);
  });

  it('reads the switches and converts seconds to milliseconds', () => {
    const config = loadGcServiceConfig({
      ...required,
      SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_NOT_READY_NODE_ENABLED: 'false',
      SPIDERPOOL_GC_ENABLE_STATELESS_RUNNING_POD_ON_EMPTY_POD_STATUS_IPS: 'true',
      SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY: '5',
      SPIDERPOOL_GC_ORPHAN_RECORD_GRACE_DURATION: '30',
    });
    expect(gcSettingsOf(config)).toMatchObject({ terminatingOnNotReadyNode: false, runningWithEmptyPodIps: true, additionalGraceDelayMs: 5_000, orphanRecordGraceMs: 30_000 });
  });

  it('names the variable of an invalid value', () => {
    expect(() => loadGcServiceConfig({ ...required, SPIDERPOOL_GC_IP_WORKER_NUM: '0' })).toThrow(/SPIDERPOOL_GC_IP_WORKER_NUM/);
    expect(() => loadGcServiceConfig({ ...required, SPIDERPOOL_GC_IP_ENABLED: 'maybe' })).toThrow(/SPIDERPOOL_GC_IP_ENABLED/);
  });
});
