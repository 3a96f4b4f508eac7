// SPDX-License-Identifier: Apache-2.0
import { beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { ROOT, ensureProjectGraph } from './workspace.ts';

let eslint: ESLint;
// Probes lint code for files that do not exist, so they cannot use type-aware parsing.
let probe: ESLint;

beforeAll(() => {
  ensureProjectGraph();
  eslint = new ESLint({ cwd: ROOT });
  probe = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
});

async function ruleIdsFor(code: string, file: string): Promise<string[]> {
  const [result] = await probe.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint', () => {
  it('the workspace has no lint errors or warnings', async () => {
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('module boundaries', () => {
  it('forbid the pure IPAM domain from importing Kubernetes, Redis, gRPC or fastify', async () => {
    for (const lib of ['@kubernetes/client-node', 'ioredis', '@grpc/grpc-js', 'fastify']) {
      const messages = await ruleIdsFor(`import * as x from '${lib}';\nexport const y = x;\n`, 'libs/ipam-domain/src/probe.ts');
      expect(messages).toContainEqual(expect.stringContaining(`@nx/enforce-module-boundaries: A project tagged with "type:domain" is not allowed to import "${lib}"`));
    }
  });

  it('forbid the domain from depending on adapter libraries', async () => {
    const messages = await ruleIdsFor(`import { GrpcServer } from '@spiderpool/grpc-kit';\nexport const y = GrpcServer;\n`, 'libs/ipam-domain/src/probe.ts');
    expect(messages.join('\n')).toMatch(/enforce-module-boundaries: A project tagged with "type:domain" can only depend on libs tagged with/);
  });

  it('forbid one app from importing another', async () => {
    const code = `import { loadIpamServiceConfig } from '@spiderpool/ipam-service/src/config.ts';\nexport const y = loadIpamServiceConfig;\n`;
    expect(await ruleIdsFor(code, 'apps/gc-service/src/probe.ts')).toContain('@nx/enforce-module-boundaries: Imports of apps are forbidden');
  });

  it('allow an app to use the domain and adapters', async () => {
    const code = `import { parseIp } from '@spiderpool/ipam-domain';\nimport { GrpcServer } from '@spiderpool/grpc-kit';\nexport const y = [parseIp, GrpcServer];\n`;
    expect(await ruleIdsFor(code, 'apps/ipam-service/src/probe.ts')).toEqual([]);
  });
});
