/**
 * prometheus.shardLocalRules: rule groups each shard evaluates over its own targets instead of
 * vmalert over the store. Right only when every result of a rule comes from one target, since
 * a shard holds some targets whole and the others not at all. Shards split targets by address
 * (hashmod of `__address__`), whose series carry it as `instance`: an expression is shard-local
 * when nothing in it combines series of different instances. Each rule is checked here.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import { joinPath } from '../core/diagnostics.ts';
import type { RuleGroup } from '../core/model.ts';
import type { Expr } from '../promql/ast.ts';
import { typeCheck } from '../promql/check.ts';
import type { Topology } from './topology.ts';

/** The label one target's series share and two targets' never do (unless a job rewrites it). */
export const SHARD_KEY = 'instance';

/** Why an expression is not shard-local; empty when it is. */
export function nonLocalReasons(e: Expr, recordedOnStore: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (n: Expr): void => {
    switch (n.kind) {
      case 'selector':
        if (n.name && recordedOnStore.has(n.name)) out.push(`reads ${n.name}, which vmalert records over the store: no shard has it`);
        return;
      case 'matrix':
        return walk(n.selector);
      case 'subquery':
      case 'paren':
      case 'unary':
        return walk(n.expr);
      case 'call':
        if (n.name === 'absent' || n.name === 'absent_over_time') out.push(`${n.name}() fires on every shard that has none of the series, not only when they are gone from all targets`);
        if (n.name === 'scalar') out.push('scalar() reads the series of every target at once');
        n.args.forEach(walk);
        return;
      case 'aggregate': {
        const keeps = n.by ? n.grouping.includes(SHARD_KEY) : n.without ? !n.grouping.includes(SHARD_KEY) : false;
        if (!keeps) {
          const grouping = n.by ? ` by (${n.grouping.join(', ')})` : n.without ? ` without (${n.grouping.join(', ')})` : '';
          out.push(`${n.op}${grouping} combines the series of several targets, which sit on different shards`);
        }
        if (n.param) walk(n.param);
        if (n.expr) walk(n.expr);
        return;
      }
      case 'binary': {
        const m = n.matching;
        if (n.lhs.type === 'vector' && n.rhs.type === 'vector' && m && (m.on ? !m.labels.includes(SHARD_KEY) : m.labels.includes(SHARD_KEY))) {
          out.push(`${n.op} ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')}) matches series of different targets, which sit on different shards`);
        }
        walk(n.lhs);
        walk(n.rhs);
        return;
      }
      default:
        return;
    }
  };
  walk(e);
  return [...new Set(out)];
}

/** Errors at prometheus.shardLocalRules[i] for unknown groups and for every rule that is not shard-local. */
export function checkShardLocalRules(topology: Topology, groups: RuleGroup[], diag: Diagnostics): void {
  const local = new Set(topology.shardLocalGroups);
  if (!local.size) return;
  const recordedOnStore = new Set(groups.filter((g) => !local.has(g.name)).flatMap((g) => g.rules.flatMap((r) => (r.kind === 'record' ? [r.name] : []))));
  const names = [...new Set(groups.map((g) => g.name))].sort();
  topology.shardLocalGroups.forEach((name, i) => {
    const path = joinPath('prometheus', 'shardLocalRules', i);
    const found = groups.filter((g) => g.name === name);
    if (!found.length) {
      diag.error(path, 'topology/shard-local-rules', `no rule group is named ${JSON.stringify(name)}`, {
        value: name,
        hint: `name one of the stack's groups: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`,
      });
      return;
    }
    for (const g of found) {
      for (const r of g.rules) {
        const ast = typeCheck(r.expr).ast;
        if (!ast) continue; // a syntax error is reported where the rule is defined
        for (const reason of nonLocalReasons(ast, recordedOnStore)) {
          diag.error(path, 'topology/shard-local-rules', `group ${JSON.stringify(name)}: ${r.kind === 'alert' ? 'alert' : 'recording rule'} ${r.name}: ${reason}`, {
            value: r.expr,
            hint: `keep ${SHARD_KEY} in every aggregation and vector matching (by (${SHARD_KEY}, ...)), or leave the group out of shardLocalRules so vmalert evaluates it over the store`,
          });
        }
      }
    }
  });
}
