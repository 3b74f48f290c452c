/**
 * obsgen's in-process PromQL engine (issue 14): a series store, instant and range queries with
 * Prometheus 3 semantics, the promtool/promqltest series notation and the promqltest runner.
 */
export { instantQuery, rangeQuery, parseExpr, Evaluator, type QueryOptions } from './engine.ts';
export { SeriesStore, STALE, upperBound, type Matcher, type StoredSeries } from './storage.ts';
export { EvalError, UnsupportedError, type QueryValue } from './values.ts';
export { expandSeriesValues, parseSeriesLine, parseSeriesLabels, NotationError, type SeriesValue } from './notation.ts';
export { formatLabels, labelsKey, type Labels } from './labels.ts';
export { runPromqlTest, type CaseResult, type FileResult } from './promqltest.ts';
