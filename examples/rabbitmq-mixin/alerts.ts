/**
 * RabbitMQ alerts over the rabbitmq_prometheus plugin's aggregated metrics, each with its
 * runbook and the promtool scenarios that prove it fires and stays quiet. Ratios are guarded
 * against a zero limit, so a node that reports no limit gives no sample rather than +Inf.
 */
import { counterSeries, fireAt, firingChecks, gaugeSeries, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type AlertRule, type MixinTarget } from 'obsgen';

/** Panel titles of the dashboard, which alerts link to (dashboard_url). */
export const PANELS = {
  up: 'Nodes up',
  alarms: 'Resource alarms',
  memory: 'Memory used of the high watermark',
  disk: 'Free disk space',
  fds: 'File descriptors used',
  unacked: 'Unacknowledged messages',
  ready: 'Ready messages',
  unroutable: 'Unroutable messages',
} as const;

export interface RabbitTarget extends MixinTarget {
  /** instance label of the test fixtures. */
  instance: string;
}

const labelsOf = (t: RabbitTarget) => ({ instance: t.instance, job: t.job });

export function nodeDownAlert(t: RabbitTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = labelsOf(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(t, k, {
    expr: `up{${sel(t.job)}} == 0`,
    summary: `${t.component}: a RabbitMQ node is down`,
    description: 'Prometheus cannot scrape the RabbitMQ node at {{ $labels.instance }}.',
    panel: PANELS.up,
    runbook: {
      meaning: 'The rabbitmq_prometheus endpoint of a node does not answer: the node is down, or the plugin is disabled.',
      impact: 'Queues whose leader ran on the node are unavailable until another replica takes over; classic queues on it are gone until it returns.',
      diagnosis: [
        { title: 'Nodes up', query: `up{${sel(t.job)}}` },
        { title: 'Unreachable peers seen by the others', query: `rabbitmq_unreachable_cluster_peers_count{${sel(t.job)}}` },
      ],
      mitigation: ['Check the node (rabbitmq-diagnostics status) and its log.', 'If the plugin is off: rabbitmq-plugins enable rabbitmq_prometheus.'],
    },
    tests: [
      { name: 'fires when the node does not answer', series: [gaugeSeries('up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
      quiet('stays quiet while it answers', [gaugeSeries('up', labels, 1, n)], at),
    ],
  }, source);
}

/** A resource alarm: RabbitMQ itself blocks publishers while it is set. */
export function alarmAlert(t: RabbitTarget, k: AlertKnobs, which: 'memory' | 'disk', source: string): AlertRule {
  const metric = which === 'memory' ? 'rabbitmq_alarms_memory_used_watermark' : 'rabbitmq_alarms_free_disk_space_watermark';
  const labels = labelsOf(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(t, k, {
    expr: `${metric}{${sel(t.job)}} == 1`,
    summary: `${t.component}: ${which} alarm, publishers are blocked`,
    description: `RabbitMQ node {{ $labels.instance }} raised its ${which === 'memory' ? 'memory high watermark' : 'free disk space'} alarm: every connection that publishes is blocked.`,
    panel: PANELS.alarms,
    runbook: {
      meaning: which === 'memory' ? 'The node uses more memory than vm_memory_high_watermark allows.' : 'Free disk space on the node fell below disk_free_limit.',
      impact: 'Publishers block cluster-wide until the alarm clears; consumers still receive.',
      diagnosis: [
        which === 'memory'
          ? { title: 'Memory used of the limit', query: `rabbitmq_process_resident_memory_bytes{${sel(t.job)}} / rabbitmq_resident_memory_limit_bytes{${sel(t.job)}}` }
          : { title: 'Free disk over the limit', query: `rabbitmq_disk_space_available_bytes{${sel(t.job)}} / rabbitmq_disk_space_available_limit_bytes{${sel(t.job)}}` },
        { title: 'Ready messages', query: `rabbitmq_queue_messages_ready{${sel(t.job)}}` },
      ],
      mitigation: which === 'memory'
        ? ['Drain long queues (add consumers), or move them to quorum/stream queues that page to disk.', 'Raise the watermark only if the host has room.']
        : ['Free disk space or grow the volume.', 'Drain the queues whose messages fill the disk.'],
    },
    tests: [
      { name: 'fires while the alarm is set', series: [gaugeSeries(metric, labels, 1, n)], checks: firingChecks(k.for, at, [{ labels, value: 1 }]) },
      quiet('stays quiet without the alarm', [gaugeSeries(metric, labels, 0, n)], at),
    ],
  }, source);
}

/** used / limit above a share, for memory (of the high watermark) and file descriptors (of the process limit). */
export function usageAlert(t: RabbitTarget, k: AlertKnobs & { above: number }, which: 'memory' | 'fds', source: string): AlertRule {
  const [used, limit] = which === 'memory' ? ['rabbitmq_process_resident_memory_bytes', 'rabbitmq_resident_memory_limit_bytes'] : ['rabbitmq_process_open_fds', 'rabbitmq_process_max_fds'];
  const labels = labelsOf(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const max = 1000;
  const high = Math.round(max * Math.min(1, (1 + k.above) / 2));
  const low = Math.round(max * k.above * 0.5);
  const what = which === 'memory' ? 'memory high watermark' : 'file descriptor limit';
  return mixinAlert(t, k, {
    expr: `${used}{${sel(t.job)}}\n  / on (instance, job)\n(${limit}{${sel(t.job)}} > 0)\n> ${k.above}`,
    summary: `${t.component}: ${which === 'memory' ? 'memory' : 'file descriptors'} above ${Math.round(k.above * 100)}% of the ${what}`,
    description: `RabbitMQ node {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its ${what}.`,
    panel: which === 'memory' ? PANELS.memory : PANELS.fds,
    runbook: {
      meaning: which === 'memory' ? 'The node nears the memory high watermark, where it raises the memory alarm and blocks publishers.' : 'The node nears its file descriptor limit; every connection and queue segment file takes one.',
      impact: which === 'memory' ? 'Soon publishers block cluster-wide.' : 'At the limit the node refuses new connections.',
      diagnosis: [
        { title: 'Used of the limit', query: `${used}{${sel(t.job)}} / ${limit}{${sel(t.job)}}` },
        { title: 'Connections', query: `rabbitmq_connections{${sel(t.job)}}` },
      ],
      mitigation: which === 'memory'
        ? ['Drain long queues or add consumers.', 'Look for connection or channel leaks (each costs memory).']
        : ['Raise the process limit (ulimit -n / LimitNOFILE).', 'Look for clients that open connections without closing them.'],
    },
    tests: [
      {
        name: `fires above ${k.above}`,
        series: [gaugeSeries(used, labels, high, n), gaugeSeries(limit, labels, max, n)],
        checks: firingChecks(k.for, at, [{ labels, value: high / max }]),
      },
      quiet('stays quiet with room left', [gaugeSeries(used, labels, low, n), gaugeSeries(limit, labels, max, n)], at),
      quiet('stays quiet when the node reports no limit', [gaugeSeries(used, labels, high, n), gaugeSeries(limit, labels, 0, n)], at),
    ],
  }, source);
}

/** Messages published that no queue took: dropped, or returned to a publisher that asked (mandatory). */
export function unroutableAlert(t: RabbitTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const labels = labelsOf(t);
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const s = sel(t.job);
  const dropped = 'rabbitmq_global_messages_unroutable_dropped_total';
  const returned = 'rabbitmq_global_messages_unroutable_returned_total';
  const proto = { ...labels, protocol: 'amqp091' };
  return mixinAlert(t, k, {
    expr: `sum by (instance, job) (rate(${dropped}{${s}}[${k.window}]))\n  + sum by (instance, job) (rate(${returned}{${s}}[${k.window}]))\n> ${k.above}`,
    summary: `${t.component}: messages published that no queue takes`,
    description: 'RabbitMQ node {{ $labels.instance }} drops or returns {{ $value | humanize }} unroutable messages per second.',
    panel: PANELS.unroutable,
    runbook: {
      meaning: 'Publishers send to an exchange whose bindings match no queue: the messages are dropped (or returned to mandatory publishers).',
      impact: 'Those messages are lost for their consumers.',
      diagnosis: [
        { title: 'Dropped per second', query: `rate(${dropped}{${s}}[5m])` },
        { title: 'Returned per second', query: `rate(${returned}{${s}}[5m])` },
      ],
      mitigation: ['Check recent changes to bindings and routing keys.', 'Add an alternate exchange to keep unroutable messages.'],
    },
    tests: [
      { name: 'fires while messages are dropped', series: [counterSeries(dropped, proto, 2, n), counterSeries(returned, proto, 1, n)], checks: firingChecks(k.for, at, [{ labels, value: 3 }]) },
      quiet('stays quiet while everything is routed', [gaugeSeries(dropped, proto, 5, n), gaugeSeries(returned, proto, 0, n)], at),
    ],
  }, source);
}

/** Messages delivered and not yet acknowledged: consumers that stall or leak unacked deliveries. */
export function unackedAlert(t: RabbitTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const labels = labelsOf(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const metric = 'rabbitmq_queue_messages_unacked';
  return mixinAlert(t, k, {
    expr: `sum by (instance, job) (${metric}{${sel(t.job)}}) > ${k.above}`,
    summary: `${t.component}: more than ${k.above} unacknowledged messages`,
    description: 'RabbitMQ node {{ $labels.instance }} holds {{ $value }} delivered messages that no consumer acknowledged.',
    panel: PANELS.unacked,
    runbook: {
      meaning: 'Consumers received messages and have not acknowledged them for a long time.',
      impact: 'The messages stay in memory; with a prefetch limit the consumers receive nothing new.',
      diagnosis: [
        { title: 'Unacked and ready', query: `${metric}{${sel(t.job)}} or rabbitmq_queue_messages_ready{${sel(t.job)}}` },
        { title: 'Consumers', query: `rabbitmq_consumers{${sel(t.job)}}` },
      ],
      mitigation: ['Look for consumers stuck on a slow dependency.', 'Check that consumers ack on every path (including errors).'],
    },
    tests: [
      { name: `fires above ${k.above}`, series: [gaugeSeries(metric, labels, k.above * 2, n)], checks: firingChecks(k.for, at, [{ labels, value: k.above * 2 }]) },
      quiet('stays quiet with few unacked', [gaugeSeries(metric, labels, Math.floor(k.above / 2), n)], at),
    ],
  }, source);
}
