// SPDX-License-Identifier: Apache-2.0
// The bond part of the ifacer plan: create or reuse the bond, enslave the interfaces.
import { bondModeOf, isUp, kindOf, type HostLink } from './host-link.ts';
import type { BondConf } from './ifacer-netconf.ts';
import { existing, Refusal, setUp, type Phases } from './plan-steps.ts';

function checkReusable(link: HostLink, bond: BondConf): void {
  if (kindOf(link) !== 'bond') throw new Refusal(`"${bond.name}" exists but is a ${kindOf(link)} link, not a bond`);
  const mode = bondModeOf(link);
  // The kernel refuses a mode change while the bond has slaves: say so instead of half-applying.
  if (mode !== undefined && mode !== bond.mode) throw new Refusal(`bond "${bond.name}" exists in mode ${mode}, the network config asks for mode ${bond.mode}`);
}

function planSlave(phases: Phases, links: ReadonlyMap<string, HostLink>, bond: string, slave: { name: string; field: string }): void {
  const link = existing(links, slave.name, slave.field);
  if (link.master === bond) {
    if (!isUp(link)) phases.ups.push(setUp(slave.name, `bond slave "${slave.name}" is down`));
    return;
  }
  if (link.master) throw new Refusal(`interface "${slave.name}" (${slave.field}) is already enslaved to "${link.master}", not to bond "${bond}"`);
  // The kernel enslaves only links that are down.
  phases.downs.push({ argv: ['link', 'set', slave.name, 'down'], why: `"${slave.name}" must be down to be enslaved` });
  phases.enslaves.push({ argv: ['link', 'set', slave.name, 'master', bond], why: `"${slave.name}" is not enslaved to bond "${bond}"` });
  phases.ups.push(setUp(slave.name, `bond slave "${slave.name}" is down`));
}

/** Adds the steps that create (or reuse), fill and raise the bond; returns its name. */
export function planBond(phases: Phases, links: ReadonlyMap<string, HostLink>, bond: BondConf, slaves: readonly string[]): string {
  const link = links.get(bond.name);
  if (link) checkReusable(link, bond);
  slaves.forEach((name, i) => planSlave(phases, links, bond.name, { name, field: `interfaces[${i}]` }));
  if (!link) {
    const options = bond.options.flatMap((o) => [o.key, o.value]);
    phases.creates.push({ argv: ['link', 'add', bond.name, 'type', 'bond', 'mode', bond.mode, ...options], why: `bond "${bond.name}" is missing`, creates: 'bond' });
  }
  if (!link || !isUp(link)) phases.ups.push(setUp(bond.name, `bond "${bond.name}" is down`));
  return bond.name;
}
