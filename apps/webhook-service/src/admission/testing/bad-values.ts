// SPDX-License-Identifier: Apache-2.0
/**
 * JSON values of every type, for the type-robustness tests: mutating webhooks see objects before
 * schema validation, so any spec field may hold any of these. Rows are `[label, value]`.
 */
export const BAD_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['42', 42],
  ['true', true],
  ['"text"', 'text'],
  ['[]', []],
  ['[1, {}]', [1, {}]],
  ['{}', {}],
  ['{a: 1}', { a: 1 }],
];
