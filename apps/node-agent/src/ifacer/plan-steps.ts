// SPDX-License-Identifier: Apache-2.0
// The vocabulary of ifacer plans: steps, the phases that order them, refusals.
//
// Ordering invariant: every `link add` comes first, then links are set down, enslaved and set up.
// A kernel that lacks a link type therefore fails the batch before anything existing changed.
import type { HostLink } from './host-link.ts';

/** Link types whose support depends on kernel modules (8021q, bonding). */
export type LinkKind = 'vlan' | 'bond';

export interface PlanStep {
  /** `ip` arguments, e.g. ['link','add','link','eth1','name','eth1.100','type','vlan','id','100']. */
  argv: string[];
  /** For CHECK and logs: what the step would fix. */
  why: string;
  /** Set on `link add` steps: the link type the kernel must support. */
  creates?: LinkKind;
}

export interface Phases {
  creates: PlanStep[];
  downs: PlanStep[];
  enslaves: PlanStep[];
  ups: PlanStep[];
}

/** Thrown inside planning, turned into a value at the edge (`planIfacer`). */
export class Refusal extends Error {}

export const emptyPhases = (): Phases => ({ creates: [], downs: [], enslaves: [], ups: [] });

export const flatten = (p: Phases): PlanStep[] => [...p.creates, ...p.downs, ...p.enslaves, ...p.ups];

export const setUp = (name: string, why: string): PlanStep => ({ argv: ['link', 'set', name, 'up'], why });

export function existing(links: ReadonlyMap<string, HostLink>, name: string, field: string): HostLink {
  const link = links.get(name);
  if (!link) throw new Refusal(`interface "${name}" (${field}) does not exist on the node`);
  return link;
}
