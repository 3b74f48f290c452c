/** A small argv parser: --flag, --key value, --key=value, repeated keys collect, positionals. */
export interface Args {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], booleans: Set<string>): Args {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else if (booleans.has(key) || i + 1 >= argv.length || argv[i + 1]!.startsWith('--')) value = 'true';
      else value = argv[++i]!;
      flags.set(key, [...(flags.get(key) ?? []), value]);
    } else if (a === '-h') flags.set('help', ['true']);
    else positional.push(a);
  }
  return { positional, flags };
}

export function flag(args: Args, key: string): string | undefined {
  return args.flags.get(key)?.at(-1);
}

export function flagList(args: Args, key: string): string[] {
  return (args.flags.get(key) ?? []).flatMap((v) => v.split(',')).filter(Boolean);
}
