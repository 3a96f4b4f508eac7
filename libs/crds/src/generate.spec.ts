// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALL_CRD_DEFINITIONS } from './schema/all.ts';
import { toCustomResourceDefinition } from './schema/crd-definition.ts';
import { CRD_DIR, TEST_CRD_DIR, generatedFiles, renderCrdYaml, renderTypes } from './generate.ts';
import { REPO_ROOT } from './testing/repo-root.ts';

describe('generated files', () => {
  it('match the committed copies byte for byte', () => {
    const stale = generatedFiles()
      .filter((file) => {
        const target = join(REPO_ROOT, file.path);
        return !existsSync(target) || readFileSync(target, 'utf8') !== file.content;
      })
      .map((file) => file.path);
    if (stale.length > 0) {
      throw new Error(
        `Generated files are out of date with libs/crds/src/schema: ${stale.join(', ')}.\n` +
          'Run `npm run generate` (or `node scripts/generate-crds.ts`) and commit the result.',
      );
    }
  });

  it('keep third-party CRDs out of the production kustomization', () => {
    const files = generatedFiles();
    const kustomization = parse(files.find((f) => f.path === `${CRD_DIR}/kustomization.yaml`)!.content);
    expect(kustomization.resources.every((r: string) => r.startsWith('spiderpool.spidernet.io_'))).toBe(true);
    expect(kustomization.resources).toHaveLength(6);
    const testKustomization = parse(files.find((f) => f.path === `${TEST_CRD_DIR}/kustomization.yaml`)!.content);
    expect(testKustomization.resources).toEqual([
      'k8s.cni.cncf.io_network-attachment-definitions.yaml',
      'kubevirt.io_virtualmachineinstances.yaml',
      'kubevirt.io_virtualmachines.yaml',
    ]);
  });

  it('render YAML that reads back as exactly the CRD object', () => {
    for (const def of ALL_CRD_DEFINITIONS) {
      const text = renderCrdYaml(def);
      expect(text).toMatch(/^# Code generated .*DO NOT EDIT\./);
      expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
      expect(parse(text)).toEqual(toCustomResourceDefinition(def));
    }
  });

  it('are deterministic', () => {
    expect(renderTypes(ALL_CRD_DEFINITIONS)).toBe(renderTypes(ALL_CRD_DEFINITIONS));
    expect(generatedFiles()).toEqual(generatedFiles());
  });
});
