/**
 * The PromQL functions and aggregations of Prometheus 3 (promql/parser/functions.go and lex.go of
 * v3.14, the version the compose bundle pins): argument types, how many optional arguments follow,
 * the return type, and whether the function is experimental (refused unless Prometheus runs with
 * --enable-feature=promql-experimental-functions). The type checker and the evaluator read it.
 */

/** PromQL value types, named as Prometheus names them internally. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** The name Prometheus's messages and docs use: `instant vector`, `range vector`, `scalar`, `string`. */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

export interface FunctionDef {
  name: string;
  argTypes: ValueType[];
  /**
   * 0: exactly argTypes.length arguments. n > 0: the last argument type is optional and may repeat
   * up to n times (argTypes.length - 1 .. argTypes.length - 1 + n). -1: the last type repeats without limit.
   */
  variadic: number;
  returnType: ValueType;
  experimental: boolean;
}

function fn(argTypes: ValueType[], returnType: ValueType, variadic = 0, experimental = false): Omit<FunctionDef, 'name'> {
  return { argTypes, returnType, variadic, experimental };
}

const TABLE: Record<string, Omit<FunctionDef, 'name'>> = {
  abs: fn(['vector'], 'vector'),
  absent: fn(['vector'], 'vector'),
  absent_over_time: fn(['matrix'], 'vector'),
  acos: fn(['vector'], 'vector'),
  acosh: fn(['vector'], 'vector'),
  asin: fn(['vector'], 'vector'),
  asinh: fn(['vector'], 'vector'),
  atan: fn(['vector'], 'vector'),
  atanh: fn(['vector'], 'vector'),
  avg_over_time: fn(['matrix'], 'vector'),
  ceil: fn(['vector'], 'vector'),
  changes: fn(['matrix'], 'vector'),
  clamp: fn(['vector', 'scalar', 'scalar'], 'vector'),
  clamp_max: fn(['vector', 'scalar'], 'vector'),
  clamp_min: fn(['vector', 'scalar'], 'vector'),
  cos: fn(['vector'], 'vector'),
  cosh: fn(['vector'], 'vector'),
  count_over_time: fn(['matrix'], 'vector'),
  days_in_month: fn(['vector'], 'vector', 1),
  day_of_month: fn(['vector'], 'vector', 1),
  day_of_week: fn(['vector'], 'vector', 1),
  day_of_year: fn(['vector'], 'vector', 1),
  deg: fn(['vector'], 'vector'),
  end: fn([], 'scalar', 0, true),
  delta: fn(['matrix'], 'vector'),
  deriv: fn(['matrix'], 'vector'),
  exp: fn(['vector'], 'vector'),
  first_over_time: fn(['matrix'], 'vector'),
  floor: fn(['vector'], 'vector'),
  histogram_avg: fn(['vector'], 'vector'),
  histogram_count: fn(['vector'], 'vector'),
  histogram_sum: fn(['vector'], 'vector'),
  histogram_stddev: fn(['vector'], 'vector'),
  histogram_stdvar: fn(['vector'], 'vector'),
  histogram_fraction: fn(['scalar', 'scalar', 'vector'], 'vector'),
  histogram_quantile: fn(['scalar', 'vector'], 'vector'),
  histogram_quantiles: fn(['vector', 'string', 'scalar', 'scalar'], 'vector', 9, true),
  double_exponential_smoothing: fn(['matrix', 'scalar', 'scalar'], 'vector', 0, true),
  hour: fn(['vector'], 'vector', 1),
  idelta: fn(['matrix'], 'vector'),
  increase: fn(['matrix'], 'vector'),
  info: fn(['vector', 'vector'], 'vector', 1, true),
  irate: fn(['matrix'], 'vector'),
  label_replace: fn(['vector', 'string', 'string', 'string', 'string'], 'vector'),
  label_join: fn(['vector', 'string', 'string', 'string'], 'vector', -1),
  max_of: fn(['scalar', 'scalar'], 'scalar', 0, true),
  last_over_time: fn(['matrix'], 'vector'),
  min_of: fn(['scalar', 'scalar'], 'scalar', 0, true),
  ln: fn(['vector'], 'vector'),
  log10: fn(['vector'], 'vector'),
  log2: fn(['vector'], 'vector'),
  mad_over_time: fn(['matrix'], 'vector', 0, true),
  max_over_time: fn(['matrix'], 'vector'),
  min_over_time: fn(['matrix'], 'vector'),
  ts_of_first_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_max_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_min_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_last_over_time: fn(['matrix'], 'vector', 0, true),
  minute: fn(['vector'], 'vector', 1),
  month: fn(['vector'], 'vector', 1),
  pi: fn([], 'scalar'),
  predict_linear: fn(['matrix', 'scalar'], 'vector'),
  present_over_time: fn(['matrix'], 'vector'),
  quantile_over_time: fn(['scalar', 'matrix'], 'vector'),
  rad: fn(['vector'], 'vector'),
  range: fn([], 'scalar', 0, true),
  rate: fn(['matrix'], 'vector'),
  resets: fn(['matrix'], 'vector'),
  round: fn(['vector', 'scalar'], 'vector', 1),
  scalar: fn(['vector'], 'scalar'),
  sgn: fn(['vector'], 'vector'),
  sin: fn(['vector'], 'vector'),
  sinh: fn(['vector'], 'vector'),
  sort: fn(['vector'], 'vector'),
  sort_desc: fn(['vector'], 'vector'),
  sort_by_label: fn(['vector', 'string'], 'vector', -1, true),
  sort_by_label_desc: fn(['vector', 'string'], 'vector', -1, true),
  sqrt: fn(['vector'], 'vector'),
  start: fn([], 'scalar', 0, true),
  start_timestamp: fn(['vector'], 'vector', 0, true),
  step: fn([], 'scalar', 0, true),
  stddev_over_time: fn(['matrix'], 'vector'),
  stdvar_over_time: fn(['matrix'], 'vector'),
  sum_over_time: fn(['matrix'], 'vector'),
  tan: fn(['vector'], 'vector'),
  tanh: fn(['vector'], 'vector'),
  time: fn([], 'scalar'),
  timestamp: fn(['vector'], 'vector'),
  vector: fn(['scalar'], 'vector'),
  year: fn(['vector'], 'vector', 1),};

/** Every function of Prometheus 3, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(Object.entries(TABLE).map(([name, def]) => [name, { name, ...def }]));

export interface AggregationDef {
  name: string;
  /** The type of the parameter before the aggregated expression (`topk(5, x)`), when it takes one. */
  param?: ValueType;
  experimental: boolean;
}

const agg = (name: string, param?: ValueType, experimental = false): AggregationDef => ({ name, ...(param ? { param } : {}), experimental });

/** Aggregation operators (lex.go: aggregators; IsAggregatorWithParam, IsExperimentalAggregator). */
export const AGGREGATIONS: ReadonlyMap<string, AggregationDef> = new Map(
  [
    agg('avg'), agg('bottomk', 'scalar'), agg('count'), agg('count_values', 'string'), agg('group'), agg('max'), agg('min'),
    agg('quantile', 'scalar'), agg('stddev'), agg('stdvar'), agg('sum'), agg('topk', 'scalar'),
    agg('limitk', 'scalar', true), agg('limit_ratio', 'scalar', true),
  ].map((a) => [a.name, a]),
);

/**
 * Functions of VictoriaMetrics' MetricsQL that Prometheus does not have: rule files written for
 * vmalert use them, and Prometheus refuses them as unknown functions.
 */
export const METRICSQL_FUNCTIONS: ReadonlySet<string> = new Set([
  // rollup functions
  'aggr_over_time', 'ascent_over_time', 'changes_prometheus', 'count_eq_over_time', 'count_gt_over_time', 'count_le_over_time',
  'count_ne_over_time', 'count_values_over_time', 'decreases_over_time', 'default_rollup', 'delta_prometheus', 'deriv_fast',
  'descent_over_time', 'distinct_over_time', 'duration_over_time', 'geomean_over_time', 'histogram_over_time',
  'hoeffding_bound_lower', 'hoeffding_bound_upper', 'ideriv', 'increase_prometheus', 'increase_pure', 'increases_over_time',
  'integrate', 'lag', 'lifetime', 'median_over_time', 'mode_over_time', 'outlier_iqr_over_time', 'range_over_time',
  'rate_over_sum', 'rate_prometheus', 'rollup', 'rollup_candlestick', 'rollup_delta', 'rollup_deriv', 'rollup_increase',
  'rollup_rate', 'rollup_scrape_interval', 'scrape_interval', 'share_eq_over_time', 'share_gt_over_time', 'share_le_over_time',
  'stale_samples_over_time', 'sum_eq_over_time', 'sum_gt_over_time', 'sum_le_over_time', 'sum2_over_time', 'tfirst_over_time',
  'tlast_change_over_time', 'tlast_over_time', 'tmax_over_time', 'tmin_over_time', 'zscore_over_time',
  // transform functions
  'bitmap_and', 'bitmap_or', 'bitmap_xor', 'buckets_limit', 'histogram_share', 'interpolate', 'keep_last_value', 'keep_next_value',
  'limit_offset', 'now', 'prometheus_buckets', 'rand', 'rand_exponential', 'rand_normal', 'range_avg', 'range_first', 'range_last',
  'range_linear_regression', 'range_mad', 'range_max', 'range_median', 'range_min', 'range_normalize', 'range_quantile',
  'range_stddev', 'range_stdvar', 'range_sum', 'range_trim_outliers', 'range_trim_spikes', 'range_trim_zscore', 'range_zscore',
  'remove_resets', 'running_avg', 'running_max', 'running_min', 'running_sum', 'smooth_exponential', 'sort_by_label_numeric',
  'sort_by_label_numeric_desc', 'timestamp_with_name', 'ttf', 'union', 'ru',
  // label manipulation
  'alias', 'drop_common_labels', 'label_copy', 'label_del', 'label_graphite_group', 'label_keep', 'label_lowercase', 'label_map',
  'label_match', 'label_mismatch', 'label_move', 'label_set', 'label_transform', 'label_uppercase', 'label_value', 'labels_equal',
  // aggregate functions
  'any', 'bottomk_avg', 'bottomk_last', 'bottomk_max', 'bottomk_median', 'bottomk_min', 'distinct', 'geomean', 'histogram', 'mad',
  'median', 'mode', 'outliers_iqr', 'outliers_mad', 'outliersk', 'quantiles', 'share', 'topk_avg', 'topk_last', 'topk_max',
  'topk_median', 'topk_min', 'zscore',
]);

/** Functions Prometheus 2 had and Prometheus 3 removed, with what replaced them. */
export const REMOVED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['holt_winters', 'Prometheus 3 renamed holt_winters to double_exponential_smoothing (experimental: --enable-feature=promql-experimental-functions)'],
]);
