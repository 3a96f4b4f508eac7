// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { parseNetnsState } from './netns-state.ts';

// What iproute2 6.1 prints (one namespace with a veth, dual-stack addresses and a policy rule).
const OUTPUT = [
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"mtu":65536,"address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},'
    + '{"ifindex":3,"link_index":2,"ifname":"a0","flags":["BROADCAST","UP","LOWER_UP"],"mtu":1500,"address":"6a:e9:d2:98:71:04","link_netnsid":0,"addr_info":[{"family":"inet","local":"192.0.2.5","prefixlen":24,"scope":"global"},{"family":"inet6","local":"2001:db8::5","prefixlen":64,"scope":"global","nodad":true},{"family":"inet6","local":"fe80::68e9:d2ff:fe98:7104","prefixlen":64,"scope":"link","tentative":true}]}]',
  '[{"dst":"203.0.113.0/24","gateway":"192.0.2.1","dev":"a0","table":"101","flags":[]},{"dst":"default","gateway":"192.0.2.1","dev":"a0","flags":[]},{"dst":"192.0.2.0/24","dev":"a0","protocol":"kernel","scope":"link","prefsrc":"192.0.2.5","flags":[]},{"type":"local","dst":"192.0.2.5","dev":"a0","table":"local","protocol":"kernel","scope":"host","prefsrc":"192.0.2.5","flags":[]}]',
  '[{"dst":"2001:db8::/64","dev":"a0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"type":"local","dst":"2001:db8::5","dev":"a0","table":"local","protocol":"kernel","metric":0,"flags":[]}]',
  '[{"priority":0,"src":"all","table":"local"},{"priority":32765,"src":"192.0.2.5","table":"101"},{"priority":1000,"src":"192.0.2.0","srclen":24,"table":"500"},{"priority":32766,"src":"all","table":"main"}]',
  '[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]',
].join('\n==snapshot==\n');

describe('parseNetnsState', () => {
  const state = parseNetnsState(OUTPUT);

  it('reads links with their peer and addresses', () => {
    const a0 = state.links.find((l) => l.name === 'a0');
    expect(a0).toMatchObject({ index: 3, up: true, peerIndex: 2, peerInOtherNetns: true, mac: '6a:e9:d2:98:71:04' });
    expect(a0?.addresses.map((a) => `${a.ip}/${a.prefix} ${a.scope}${a.tentative ? ' tentative' : ''}`)).toEqual(['192.0.2.5/24 global', '2001:db8::5/64 global', 'fe80::68e9:d2ff:fe98:7104/64 link tentative']);
  });

  it('normalises routes (default → 0.0.0.0/0, no table → main) and drops the local table', () => {
    expect(state.routes.map((r) => `${r.dst} ${r.gw ?? '-'} ${r.dev} ${r.table} ${r.src ?? '-'}`)).toEqual([
      '203.0.113.0/24 192.0.2.1 a0 101 -',
      '0.0.0.0/0 192.0.2.1 a0 main -',
      '192.0.2.0/24 - a0 main 192.0.2.5',
      '2001:db8::/64 - a0 main -',
    ]);
  });

  it('gives rule sources a prefix length', () => {
    expect(state.rules.filter((r) => r.family === 4).map((r) => `${r.priority} ${r.src} ${r.table}`)).toEqual(['0 all local', '32765 192.0.2.5/32 101', '1000 192.0.2.0/24 500', '32766 all main']);
  });
});
