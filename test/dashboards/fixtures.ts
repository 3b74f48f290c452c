/** A small stack for dashboard tests: one httpService, a user dashboard, an extra job. */
import { dashboard, defineStack, httpService, row, stat, table, text, timeseries } from 'obsgen';

export const shopStack = (extra: Record<string, unknown> = {}) =>
  defineStack({
    name: 'shop',
    services: [
      httpService({
        name: 'checkout',
        targets: ['checkout:8080'],
        alerts: { errorRatio: { above: 0.05, for: '5m' }, latency: { quantile: 0.95, above: '1s' } },
      }),
    ],
    scrapeJobs: [{ name: 'worker', targets: ['worker:9000'] }],
    dashboards: [
      dashboard({
        uid: 'shop-business',
        title: 'Shop / Business',
        tags: ['business'],
        panels: [
          row('Orders', [
            timeseries({ title: 'Orders/s', query: 'sum by (job) (rate(orders_total{job=~"$job"}[$__rate_interval]))', legend: '{{job}}', unit: 'ops' }),
            stat({ title: 'Checkout requests/s', query: 'sum(job:http_requests:rate5m{job="checkout"})', unit: 'reqps', thresholds: [{ value: 100, color: 'orange' }] }),
            stat({ title: 'Orders today', query: 'sum(increase(orders_total[1d]))', unit: 'short', width: 6 }),
          ]),
          row('Workers', [table({ title: 'Workers up', query: 'up{job="worker",instance=~"$instance"}', unit: 'short' })], { collapsed: true }),
          text({ title: 'About', content: 'Business metrics of the shop. See [the overview](/d/shop-overview).', height: 3 }),
        ],
      }),
    ],
    ...extra,
  });
