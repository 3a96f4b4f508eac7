// SPDX-License-Identifier: Apache-2.0
// Admission of SpiderCoordinator objects: defaults on CREATE and UPDATE, then the spec rules.
// There is nothing to check on DELETE (upstream has no delete validation either): agents read
// the first SpiderCoordinator listed, and without one the plugin falls back to its netconf.
import type { SpiderCoordinator } from '@spiderpool/crds';
import type { AdmissionRequestView, KindAdmission, Violation } from '../admission/admission-types.ts';
import { coordinatorWithDefaults } from './coordinator-defaults.ts';
import { coordinatorSpecViolations } from './coordinator-rules.ts';

const writes = (req: AdmissionRequestView<SpiderCoordinator>): boolean => req.operation === 'CREATE' || req.operation === 'UPDATE';

export const coordinatorAdmission: KindAdmission<SpiderCoordinator> = {
  kind: 'SpiderCoordinator',

  mutate(req) {
    // The server asks for a mutation only when the request carries an object.
    const object = req.object as SpiderCoordinator;
    return writes(req) ? coordinatorWithDefaults(object) : object;
  },

  validate(req): Violation[] {
    if (!writes(req) || !req.object) return [];
    return coordinatorSpecViolations(req.object.spec);
  },
};
