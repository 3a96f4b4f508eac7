// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { envBool, envPort, loadConfig, z } from './config.ts';

const schema = z.object({
  APP_PORT: envPort(5720),
  APP_DEBUG: envBool(false),
  APP_ADDRESS: z.string().min(1),
});

describe('loadConfig', () => {
  it('applies defaults and coerces values', () => {
    expect(loadConfig(schema, { APP_ADDRESS: 'x', APP_DEBUG: 'true' })).toEqual({ APP_PORT: 5720, APP_DEBUG: true, APP_ADDRESS: 'x' });
  });

  it('treats "false" as false, never as a truthy string', () => {
    expect(loadConfig(schema, { APP_ADDRESS: 'x', APP_DEBUG: 'false' }).APP_DEBUG).toBe(false);
  });

  it('names the variable that is missing', () => {
    expect(() => loadConfig(schema, {})).toThrow('wrong input: APP_ADDRESS: value is missing: is required');
  });

  it('names the variable and the rule that is broken', () => {
    expect(() => loadConfig(schema, { APP_ADDRESS: 'x', APP_PORT: '70000' })).toThrow(/APP_PORT: value "70000" .*65535/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { APP_ADDRESS: 'x', APP_PORT: '' }).APP_PORT).toBe(5720);
  });
});
