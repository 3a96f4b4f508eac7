// SPDX-License-Identifier: Apache-2.0
// The per-file fixture most ipam suites share: one ipam-service, a namespace and a node,
// started before the file's tests and stopped after them.
import { afterAll, beforeAll } from '@jest/globals';
import { createNamespace, createNode, startIpamServices, stopIpamServices, type IpamClient, type IpamProcess } from './ipam-harness.ts';

export interface IpamSuite {
  readonly svc: IpamClient;
  readonly ns: string;
  readonly node: string;
}

export function useIpamSuite(): IpamSuite {
  let services: IpamProcess[] = [];
  const state = { svc: undefined as IpamClient | undefined, ns: '', node: '' };
  beforeAll(async () => {
    services = await startIpamServices(1);
    state.svc = services[0]?.client;
    [state.ns, state.node] = await Promise.all([createNamespace(), createNode()]);
  });
  afterAll(async () => stopIpamServices(services));
  return {
    get svc(): IpamClient {
      if (!state.svc) throw new Error('ipam-service is not started (use the suite inside tests)');
      return state.svc;
    },
    get ns() {
      return state.ns;
    },
    get node() {
      return state.node;
    },
  };
}
