// SPDX-License-Identifier: Apache-2.0
// The checker the rendering tests rely on must itself reject what a runtime would reject.
import { describe, expect, it } from '@jest/globals';
import { conflistProblems, customCniProblems, singleConfProblems } from './cni-config-check.ts';

const good = { cniVersion: '1.0.0', name: 'net-a', plugins: [{ type: 'macvlan', ipam: { type: 'spiderpool' } }, { type: 'coordinator' }] };

describe('conflistProblems', () => {
  it('accepts a well-formed list', () => {
    expect(conflistProblems(good, { uniqueTypes: true })).toEqual([]);
  });

  it.each([
    ['not an object', [], 'the configuration must be a JSON object'],
    ['no cniVersion', { ...good, cniVersion: undefined }, 'cniVersion: must be one of'],
    ['a cniVersion nobody speaks', { ...good, cniVersion: '0.2.0' }, 'cniVersion: must be one of'],
    ['a name with a space', { ...good, name: 'net a' }, 'name: must start with'],
    ['no name', { ...good, name: undefined }, 'name: must start with'],
    ['no plugins', { ...good, plugins: [] }, 'plugins: must be a non-empty list'],
    ['a plugin without type', { ...good, plugins: [{ master: 'eth1' }] }, 'plugins[0].type'],
    ['a plugin type with a path', { ...good, plugins: [{ type: '../bin/sh' }] }, 'plugins[0].type'],
    ['an ipam without type', { ...good, plugins: [{ type: 'macvlan', ipam: {} }] }, 'plugins[0].ipam'],
    ['a plugin with another cniVersion', { ...good, plugins: [{ type: 'macvlan', cniVersion: '0.3.1' }] }, 'plugins[0].cniVersion'],
    ['cniVersions not a list', { ...good, cniVersions: '1.0.0' }, 'cniVersions'],
    ['disableGC not a boolean', { ...good, disableGC: 'yes' }, 'disableGC'],
  ])('reports %s', (_what, conf, problem) => {
    expect(conflistProblems(conf).join('; ')).toContain(problem);
  });

  it('reports a repeated plugin type only when asked to', () => {
    const twice = { ...good, plugins: [{ type: 'tuning' }, { type: 'tuning' }] };
    expect(conflistProblems(twice)).toEqual([]);
    expect(conflistProblems(twice, { uniqueTypes: true })).toEqual(['plugins[1].type: "tuning" appears more than once']);
  });
});

describe('single configurations and customCNI text', () => {
  it('checks a single-plugin config like a plugin with a version', () => {
    expect(singleConfProblems({ cniVersion: '0.4.0', type: 'bridge' })).toEqual([]);
    expect(singleConfProblems({ cniVersion: '0.4.0' }).join()).toContain('type');
  });

  it('fills a missing version from the SpiderMultusConfig and reports JSON errors', () => {
    expect(customCniProblems('{"type":"bridge"}', '0.3.1')).toEqual([]);
    expect(customCniProblems('{"plugins":[{"type":"bridge"}]}', '1.0.0')).toEqual([]);
    expect(customCniProblems('{"type":', '1.0.0')[0]).toMatch(/^is not valid JSON/);
    expect(customCniProblems('[1]', '1.0.0')).toEqual(['the configuration must be a JSON object']);
  });
});
