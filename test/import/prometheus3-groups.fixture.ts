/** A rule file with Prometheus 3 group fields (query_offset, group labels) beside a plain group. */
export const text = `groups:
  - name: delayed
    query_offset: 1m
    labels:
      team: shop
      severity: warning
    rules:
      - record: job:shop_up:sum
        expr: sum by (job) (up{job="shop-api"})
      - alert: ShopApiDown
        expr: up{job="shop-api"} == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.instance }} is down"
      - alert: ShopQueueLong
        expr: max by (instance) (shop_queue_length) > 100
        for: 5m
        labels:
          team: shop
        annotations:
          summary: "queue on {{ $labels.instance }} is long"
  - name: plain
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
`;
