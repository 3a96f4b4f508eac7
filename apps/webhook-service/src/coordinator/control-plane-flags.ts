// SPDX-License-Identifier: Apache-2.0
// Reading flags of control-plane components from their (static) Pod's command line.
// kubeadm writes one flag per element (`--cluster-cidr=10.244.0.0/16`); hand-made manifests
// also use `["--flag", "value"]` or a shell line (`sh -c "kube-controller-manager --flag=v"`),
// so every element is split on whitespace first. A flag given twice takes the last value, as
// the components' own flag parsing does.

/** The value of `--<name>` in `argv`, or undefined when the flag is absent or has no value. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const tokens = argv.flatMap((element) => element.split(/\s+/)).filter((t) => t !== '');
  const flag = `--${name}`;
  let value: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.startsWith(`${flag}=`)) value = token.slice(flag.length + 1);
    else if (token === flag && i + 1 < tokens.length && !(tokens[i + 1] as string).startsWith('--')) value = tokens[++i];
  }
  return value === '' ? undefined : value?.replace(/^["']|["']$/g, '');
}

interface ContainerLike {
  name?: string;
  command?: string[];
  args?: string[];
}

/** The command line (command then args) of each container of a pod spec. */
export function commandLines(pod: { spec?: { containers?: ContainerLike[] } }): string[][] {
  return (pod.spec?.containers ?? []).map((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}
