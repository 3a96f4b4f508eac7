// SPDX-License-Identifier: Apache-2.0
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { NetworkAttachmentDefinition, SpiderMultusConfig } from '@spiderpool/crds';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { MULTUS_CONFIG_LABEL } from './multus-keys.ts';
import { reconcileMultusConfig, type ReconcileDeps } from './nad-reconciler.ts';
import { renderNetworkAttachmentDefinition } from './nad-render.ts';
import { fakeCluster, type FakeCluster } from './testing/fake-nad-api.ts';
import { multusConfig } from './testing/multus-samples.ts';

const KEY = { namespace: 'team-a', name: 'net-a' };
const NAD_KEY = 'team-a/net-a';

let cluster: FakeCluster;
let notes: string[];
let deps: ReconcileDeps;
let smc: SpiderMultusConfig;

beforeEach(() => {
  cluster = fakeCluster();
  notes = [];
  deps = { api: cluster.api, view: cluster.view, note: (m) => notes.push(m) };
  smc = defaultMultusConfig(multusConfig('macvlan', { name: 'net-a' }));
  cluster.putSmc(smc);
});

const reconcile = (): ReturnType<typeof reconcileMultusConfig> => reconcileMultusConfig(KEY, deps);
const stored = (): NetworkAttachmentDefinition => cluster.nads.get(NAD_KEY) as NetworkAttachmentDefinition;
const edit = (change: (nad: NetworkAttachmentDefinition) => void): void => {
  const nad = structuredClone(stored());
  change(nad);
  cluster.putNad(nad);
};

describe('reconcileMultusConfig', () => {
  it('creates the missing NAD, then finds nothing to change', async () => {
    expect(await reconcile()).toBe('created');
    expect(stored().spec?.config).toBe(renderNetworkAttachmentDefinition(smc).spec?.config);
    expect(await reconcile()).toBe('unchanged');
    expect(cluster.calls.filter((c) => !c.startsWith('find'))).toEqual([`create ${NAD_KEY}`]);
  });

  it('puts back a config edited by hand, keeping the NAD (same uid)', async () => {
    await reconcile();
    const uid = stored().metadata?.uid;
    edit((nad) => (nad.spec = { config: '{"cniVersion":"0.3.1","name":"x","plugins":[{"type":"bridge"}]}' }));
    expect(await reconcile()).toBe('updated');
    expect(stored().spec?.config).toBe(renderNetworkAttachmentDefinition(smc).spec?.config);
    expect(stored().metadata?.uid).toBe(uid);
  });

  it('follows a change of the SpiderMultusConfig', async () => {
    await reconcile();
    smc.spec!.macvlan!.vlanID = 200;
    cluster.putSmc(smc);
    expect(await reconcile()).toBe('updated');
    expect(JSON.parse(stored().spec?.config ?? '').plugins[1].master).toBe('eth1.200');
  });

  it('puts back a removed owner reference and label, keeping other owners and labels', async () => {
    await reconcile();
    const foreignOwner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep-me', uid: 'cm-uid' };
    edit((nad) => {
      nad.metadata!.ownerReferences = [foreignOwner];
      nad.metadata!.labels = { [MULTUS_CONFIG_LABEL]: 'net-a', team: 'a' };
    });
    expect(await reconcile()).toBe('updated');
    expect(stored().metadata?.ownerReferences).toEqual([foreignOwner, expect.objectContaining({ kind: 'SpiderMultusConfig', name: 'net-a', uid: 'uid-net-a', controller: true })]);
    expect(stored().metadata?.labels).toEqual({ [MULTUS_CONFIG_LABEL]: 'net-a', team: 'a' });
  });

  it('takes over a NAD left by an earlier SpiderMultusConfig of the same name (new uid)', async () => {
    await reconcile();
    smc.metadata!.uid = 'uid-second-life';
    cluster.putSmc(smc);
    expect(await reconcile()).toBe('updated');
    expect(stored().metadata?.ownerReferences).toEqual([expect.objectContaining({ uid: 'uid-second-life' })]);
  });

  it('puts annotations back to the rendering: added ones removed, SMC ones restored', async () => {
    smc.metadata!.annotations = { 'example.com/team': 'a' };
    cluster.putSmc(smc);
    await reconcile();
    edit((nad) => (nad.metadata!.annotations = { 'example.com/other': 'b' }));
    expect(await reconcile()).toBe('updated');
    expect(stored().metadata?.annotations).toEqual({ 'example.com/team': 'a' });
  });

  it('leaves alone a NAD of the same name that belongs to someone else', async () => {
    cluster.putNad({ metadata: { name: 'net-a', namespace: 'team-a' }, spec: { config: 'hand-made' } });
    expect(await reconcile()).toBe('foreign');
    expect(stored().spec?.config).toBe('hand-made');
    expect(notes).toEqual(['NetworkAttachmentDefinition belongs to someone else; not touched']);
  });

  it('waits while the NAD is being deleted', async () => {
    await reconcile();
    edit((nad) => (nad.metadata!.deletionTimestamp = new Date()));
    expect(await reconcile()).toBe('waiting');
  });

  it('counts an SMC that cannot be rendered as invalid and writes nothing', async () => {
    cluster.putSmc(multusConfig('sriov', { name: 'net-a', spec: { sriov: undefined } }));
    expect(await reconcile()).toBe('invalid');
    expect(cluster.nads.size).toBe(0);
    expect(notes).toHaveLength(1);
  });

  it('deletes the NADs of an SMC that is gone, and only those', async () => {
    await reconcile();
    cluster.putNad({ metadata: { name: 'unrelated', namespace: 'team-a' } });
    cluster.smcs.clear();
    expect(await reconcile()).toBe('deleted');
    expect([...cluster.nads.keys()]).toEqual(['team-a/unrelated']);
    expect(await reconcile()).toBe('absent');
  });

  it('does nothing for an SMC being deleted (the garbage collector removes the NAD after it)', async () => {
    await reconcile();
    smc.metadata!.deletionTimestamp = new Date();
    cluster.putSmc(smc);
    expect(await reconcile()).toBe('terminating');
    expect(cluster.nads.has(NAD_KEY)).toBe(true);
  });

  it('lets an API conflict through for the queue to retry', async () => {
    await reconcile();
    edit((nad) => (nad.spec = { config: 'drifted' }));
    const racing: ReconcileDeps = {
      ...deps,
      api: {
        ...cluster.api,
        find: async (ns, name) => {
          const nad = await cluster.api.find(ns, name);
          edit((n) => (n.metadata!.labels = { ...n.metadata?.labels, concurrent: 'write' }));
          return nad;
        },
      },
    };
    await expect(reconcileMultusConfig(KEY, racing)).rejects.toThrow(/conflict/i);
  });
});
