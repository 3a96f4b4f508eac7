// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isLogged, pluginLogConfig } from './log-config.ts';

const MiB = 1024 * 1024;

describe('pluginLogConfig', () => {
  it('defaults per plugin: /var/log/spidernet/<plugin>.log, info, 100 MiB, 10 files', () => {
    for (const plugin of ['spiderpool', 'coordinator', 'ifacer'] as const) {
      expect(pluginLogConfig(plugin, undefined, {})).toEqual({ path: `/var/log/spidernet/${plugin}.log`, level: 'info', maxBytes: 100 * MiB, maxCount: 10 });
    }
  });

  it('reads the spiderpool settings from the ipam section (upstream names)', () => {
    const netconf = { log_file_path: '/top-level/ignored.log', ipam: { type: 'spiderpool', log_file_path: '/x/sp.log', log_level: 'DEBUG', log_file_max_size: 5, log_file_max_count: 3 } };
    expect(pluginLogConfig('spiderpool', netconf, {})).toEqual({ path: '/x/sp.log', level: 'debug', maxBytes: 5 * MiB, maxCount: 3 });
  });

  it('reads coordinator and ifacer settings from the top-level logOptions', () => {
    const netconf = { ipam: { log_file_path: '/ignored.log' }, logOptions: { logFile: '/x/co.log', logLevel: 'error', logMaxSize: 0.5, logMaxCount: 0 } };
    expect(pluginLogConfig('coordinator', netconf, {})).toEqual({ path: '/x/co.log', level: 'error', maxBytes: 0.5 * MiB, maxCount: 0 });
    expect(pluginLogConfig('ifacer', netconf, {}).path).toBe('/x/co.log');
    // spiderpool does not look at logOptions.
    expect(pluginLogConfig('spiderpool', { logOptions: { logFile: '/x/co.log' } }, {}).path).toBe('/var/log/spidernet/spiderpool.log');
  });

  it.each([
    ['a wrong type', { log_file_path: 5, log_level: 7, log_file_max_size: '10', log_file_max_count: 'many' }],
    ['out-of-range values', { log_file_path: '', log_level: 'loud', log_file_max_size: -1, log_file_max_count: 1.5 }],
    ['an ipam section that is not an object', undefined],
  ])('falls back to the defaults for %s', (_label, ipam) => {
    expect(pluginLogConfig('spiderpool', { ipam: ipam ?? 'nope' }, {})).toEqual({ path: '/var/log/spidernet/spiderpool.log', level: 'info', maxBytes: 100 * MiB, maxCount: 10 });
  });

  it.each([['warning', 'warn'], ['Warn', 'warn'], ['fatal', 'error'], ['panic', 'error'], ['Info', 'info']])('maps log level %p to %p', (given, level) => {
    expect(pluginLogConfig('ifacer', { logOptions: { logLevel: given } }, {}).level).toBe(level);
  });

  it('lets SPIDERPOOL_CNI_LOG_FILE override only the path', () => {
    const netconf = { ipam: { log_file_path: '/x/sp.log', log_file_max_count: 2 } };
    expect(pluginLogConfig('spiderpool', netconf, { SPIDERPOOL_CNI_LOG_FILE: '/env/sp.log' })).toMatchObject({ path: '/env/sp.log', maxCount: 2 });
    expect(pluginLogConfig('spiderpool', netconf, { SPIDERPOOL_CNI_LOG_FILE: '' }).path).toBe('/x/sp.log');
  });
});

describe('isLogged', () => {
  it('passes entries at or above the configured level', () => {
    expect(isLogged('info', 'info')).toBe(true);
    expect(isLogged('info', 'error')).toBe(true);
    expect(isLogged('debug', 'info')).toBe(true);
    expect(isLogged('warn', 'info')).toBe(false);
    expect(isLogged('error', 'info')).toBe(false);
    expect(isLogged('error', 'error')).toBe(true);
  });
});
