// SPDX-License-Identifier: Apache-2.0
// The types of a SpiderMultusConfig spec, checked field by field. Mutating webhooks see objects
// before the API server checks them against the CRD schema, so any field may hold any JSON
// value; a field of the wrong type is reported with the `field-type` rule (see
// ../admission/field-types.ts), and the other rules only run on a spec without such a field.
// The coordinator block is checked by the SpiderCoordinator rules themselves.
import type { Violation } from '../admission/admission-types.ts';
import { checkOptionalBoolean, checkOptionalNumber, checkOptionalString, checkSpecObject, checkStringList, isAbsent, isRecord, typeViolation } from '../admission/field-types.ts';

type Check = (value: unknown, field: string) => Violation[];
type Shape = Readonly<Record<string, Check>>;

/** Absent, or an object whose fields have the types of `shape` (fields not in it are not read). */
function objectOf(shape: Shape): Check {
  return (value, field) => {
    if (isAbsent(value)) return [];
    if (!isRecord(value)) return [typeViolation(field, value, 'an object')];
    return Object.entries(shape).flatMap(([key, check]) => check(value[key], `${field}.${key}`));
  };
}

/** Absent, or a list whose entries each pass `entry`. */
function listOf(entry: Check, expected: string): Check {
  return (value, field) => {
    if (isAbsent(value)) return [];
    if (!Array.isArray(value)) return [typeViolation(field, value, expected)];
    return value.flatMap((item: unknown, i) => (isAbsent(item) ? [typeViolation(`${field}[${i}]`, item, 'an object')] : entry(item, `${field}[${i}]`)));
  };
}

const POOLS = objectOf({ ipv4: checkStringList, ipv6: checkStringList, matchMasterSubnet: checkOptionalBoolean });

const BOND = objectOf({ name: checkOptionalString, mode: checkOptionalNumber, options: checkOptionalString });

const PARENTED: Shape = {
  master: checkStringList,
  mtu: checkOptionalNumber,
  vlanID: checkOptionalNumber,
  bond: BOND,
  rdmaResourceName: checkOptionalString,
  ippools: POOLS,
};

const TRUNK = objectOf({ minID: checkOptionalNumber, maxID: checkOptionalNumber, id: checkOptionalNumber });

const SPEC: Shape = {
  cniType: checkOptionalString,
  macvlan: objectOf(PARENTED),
  ipvlan: objectOf(PARENTED),
  vlan: objectOf({ ...PARENTED, vlanMode: checkOptionalString }),
  sriov: objectOf({
    resourceName: checkOptionalString,
    vlanID: checkOptionalNumber,
    mtu: checkOptionalNumber,
    minTxRateMbps: checkOptionalNumber,
    maxTxRateMbps: checkOptionalNumber,
    rdmaIsolation: checkOptionalBoolean,
    ippools: POOLS,
  }),
  ibsriov: objectOf({
    resourceName: checkOptionalString,
    pkey: checkOptionalString,
    linkState: checkOptionalString,
    rdmaIsolation: checkOptionalBoolean,
    enableIbKubernetes: checkOptionalBoolean,
    ippools: POOLS,
  }),
  ipoib: objectOf({ master: checkOptionalString, ippools: POOLS }),
  ovs: objectOf({ bridge: checkOptionalString, vlan: checkOptionalNumber, trunk: listOf(TRUNK, 'a list of trunk entries ({id} or {minID, maxID})'), deviceID: checkOptionalString, ippools: POOLS }),
  enableCoordinator: checkOptionalBoolean,
  disableIPAM: checkOptionalBoolean,
  coordinator: objectOf({}),
  chainCNIJsonData: checkStringList,
  customCNI: checkOptionalString,
};

/** Every field of the spec that holds a value of the wrong type; empty when all are readable. */
export function multusFieldTypeViolations(spec: unknown): Violation[] {
  const notObject = checkSpecObject(spec);
  if (notObject.length || !isRecord(spec)) return notObject;
  return Object.entries(SPEC).flatMap(([key, check]) => check(spec[key], `spec.${key}`));
}
