// SPDX-License-Identifier: Apache-2.0
// Pure: from the netconf and the links the node has now, the `ip` commands that bring the node
// to what the netconf asks for, or the reason it must not be touched. Nothing is ever deleted;
// step order is fixed by the phases (plan-steps.ts).
import { byName, isUp, kindOf, vlanIdOf, type HostLink } from './host-link.ts';
import { vlanName, type IfacerNetconf } from './ifacer-netconf.ts';
import { planBond } from './bond-plan.ts';
import { emptyPhases, existing, flatten, Refusal, setUp, type Phases, type PlanStep } from './plan-steps.ts';

export type IfacerPlan =
  | { ok: true; /** The link the next plugin should use as its master. */ target: string; steps: PlanStep[] }
  | { ok: false; refusal: string };

interface VlanParent {
  name: string;
  /** Undefined when earlier steps create the parent or set it up (a bond). */
  link: HostLink | undefined;
}

/** `<parent>.<id>` on the parent. */
function planVlan(phases: Phases, links: ReadonlyMap<string, HostLink>, { name: parent, link: parentLink }: VlanParent, id: number): string {
  const name = vlanName(parent, id);
  const twin = [...links.values()].find((l) => kindOf(l) === 'vlan' && l.link === parent && vlanIdOf(l) === id && l.ifname !== name);
  if (twin) throw new Refusal(`conflicting VLAN IDs: "${twin.ifname}" already uses VLAN ${id} on "${parent}", so "${name}" cannot be created`);
  const link = links.get(name);
  if (link && kindOf(link) !== 'vlan') throw new Refusal(`"${name}" exists but is a ${kindOf(link)} link, not a VLAN`);
  if (link && (link.link !== parent || vlanIdOf(link) !== id)) {
    throw new Refusal(`"${name}" exists as VLAN ${vlanIdOf(link) ?? '?'} on "${link.link ?? '?'}", not VLAN ${id} on "${parent}"`);
  }
  if (!link) phases.creates.push({ argv: ['link', 'add', 'link', parent, 'name', name, 'type', 'vlan', 'id', String(id)], why: `VLAN ${id} interface "${name}" on "${parent}" is missing`, creates: 'vlan' });
  if (parentLink && !isUp(parentLink)) phases.ups.push(setUp(parent, `VLAN parent "${parent}" is down`));
  if (!link || !isUp(link)) phases.ups.push(setUp(name, `VLAN interface "${name}" is down`));
  return name;
}

function plan(conf: IfacerNetconf, links: ReadonlyMap<string, HostLink>, phases: Phases): string {
  if (conf.bond) {
    const bond = planBond(phases, links, conf.bond, conf.interfaces);
    return conf.vlanID > 0 ? planVlan(phases, links, { name: bond, link: undefined }, conf.vlanID) : bond;
  }
  const name = conf.interfaces[0] as string;
  const link = existing(links, name, 'interfaces[0]');
  if (conf.vlanID > 0) return planVlan(phases, links, { name, link }, conf.vlanID);
  if (!isUp(link)) phases.ups.push(setUp(name, `interface "${name}" is down`));
  return name;
}

/** The plan for `conf` on a node whose links are `observed` (`ip -json -details link show`). */
export function planIfacer(conf: IfacerNetconf, observed: readonly HostLink[]): IfacerPlan {
  const phases = emptyPhases();
  try {
    const target = plan(conf, byName(observed), phases);
    return { ok: true, target, steps: flatten(phases) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, refusal: err.message };
    throw err;
  }
}
