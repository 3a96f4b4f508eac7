// SPDX-License-Identifier: Apache-2.0
// Rules of user-written CNI JSON: the whole configuration of cniType custom, and the extra
// plugins chained after the main plugin of the other types.
import type { SpiderMultusConfigSpec } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { customCniProblems, parseJson, pluginProblems } from './cni-config-check.ts';
import { violation } from './violation.ts';

export function customRules(spec: SpiderMultusConfigSpec, cniVersion: string): Violation[] {
  const text = spec.customCNI;
  if (typeof text !== 'string' || text.trim() === '') {
    return [violation('spec.customCNI', text, 'custom-cni-required', 'must hold the CNI configuration (a conf or conflist as JSON) for cniType custom')];
  }
  const problems = customCniProblems(text, cniVersion);
  const out = problems.length ? [violation('spec.customCNI', shorten(text), 'custom-cni-invalid', `must be a valid CNI configuration: ${problems.join('; ')}`)] : [];
  // customCNI is the whole configuration: plugins to chain belong inside it.
  if (spec.chainCNIJsonData?.length) {
    out.push(violation('spec.chainCNIJsonData', spec.chainCNIJsonData.length, 'chain-with-custom', 'must be empty for cniType custom (put the plugins into customCNI)'));
  }
  return out;
}

export function chainRules(spec: SpiderMultusConfigSpec): Violation[] {
  return (spec.chainCNIJsonData ?? []).flatMap((text, i) => {
    const field = `spec.chainCNIJsonData[${i}]`;
    const parsed = parseJson(text);
    if ('problem' in parsed) return [violation(field, shorten(text), 'chain-cni-invalid', `must be a plugin as a JSON object: it ${parsed.problem}`)];
    const problems = pluginProblems(parsed.value, 'the plugin');
    return problems.length ? [violation(field, shorten(text), 'chain-cni-invalid', `must be a valid CNI plugin: ${problems.join('; ')}`)] : [];
  });
}

/** Keeps denial messages readable when someone pastes a large document. */
function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
