// SPDX-License-Identifier: Apache-2.0
// `npm run generate`: regenerates every committed generated file — the protobuf-es code from
// proto/ (buf.gen.yaml) and the CRD YAML + TypeScript types from libs/crds/src/schema.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(process.cwd(), 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
execFileSync(join(bin, 'buf'), ['lint'], { stdio: 'inherit', env });
execFileSync(join(bin, 'buf'), ['generate'], { stdio: 'inherit', env });
execFileSync(process.execPath, ['scripts/generate-crds.ts'], { stdio: 'inherit', env });
process.stdout.write('generated: libs/proto/src/gen, deploy/base/crds, deploy/test-crds, libs/crds/src/gen\n');
